/**
 * A feature of the element whose code is a lazy chunk, started afresh for each call engine (the matching
 * modes, recording). Kept small: it is in the script-tag bundle.
 */
export class LazyFeature<T extends { close(): void }> {
  /** The current engine's feature, once its code is here. */
  current: T | null = null;
  /** The load for the current engine, under way or done (it never rejects); null when none was started. */
  loading: Promise<void> | null = null;

  /** Closes the current engine's feature, and forgets a load still under way. */
  drop(): void {
    this.current?.close();
    this.current = null;
    this.loading = null;
  }

  /**
   * Fetches the code, then starts the feature with it and asks the host to render, unless the feature was dropped
   * or loaded again meanwhile (the element moved on to another engine); `onFailure` when the chunk cannot be fetched.
   */
  load<Code>(
    code: () => Promise<Code>,
    start: (code: Code) => T,
    host: { requestUpdate(): void },
    onFailure: () => void,
  ): void {
    const loading: Promise<void> = (this.loading = code().then((fetched) => {
      if (this.loading !== loading) return;
      this.current = start(fetched);
      host.requestUpdate();
    }, onFailure));
  }
}
