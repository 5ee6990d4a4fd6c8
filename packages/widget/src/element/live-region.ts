/**
 * The widget's polite live region: one visually hidden `role="status"` element at the top of the shadow root, in
 * place before anything is said (screen readers ignore regions that appear with their text). Each message is a
 * line of its own, so a burst (two people joining at once) is read in order and a repeated one is read again.
 * What is said comes from call-announcer.ts (a lazy chunk), the recording controls and the agent console.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallEngine } from '../engine/call-engine.js';
import type { AnnouncerContext, announceCall } from './call-announcer.js';

/** Lines kept in the region; older ones have been read. */
const KEPT = 3;
const regions = new WeakMap<HTMLElement, LiveRegion>();

/** Says `text` through the live region of the widget `host` (nothing if it has none). */
export function announce(host: HTMLElement, text: string): void {
  regions.get(host)?.say(text);
}

export class LiveRegion implements ReactiveController {
  private node: HTMLElement | null = null;
  /** Unsubscribes the announcer of the current engine. */
  private stop: (() => void) | null = null;
  private engine: CallEngine | null = null;
  private context: AnnouncerContext | null = null;
  /** The announcer's code (a lazy chunk), once fetched. */
  private announcer: typeof announceCall | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    regions.set(host, this);
    host.addController(this);
  }

  hostUpdated(): void {
    const root = this.host.shadowRoot;
    if (!root || this.node?.parentNode === root) return;
    const node = (this.node = document.createElement('div'));
    node.setAttribute('part', 'announcer');
    node.setAttribute('role', 'status');
    node.setAttribute('aria-live', 'polite');
    node.style.cssText =
      'position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap';
    // Before Lit's own content, which it may clear up to the end of the root.
    root.prepend(node);
  }

  say(text: string): void {
    const node = this.node;
    if (!node || !text) return;
    const line = document.createElement('p');
    line.textContent = text;
    node.append(line);
    while (node.childElementCount > KEPT) node.firstElementChild!.remove();
  }

  /** Announces what happens in the call of `engine` once the announcer's code is here (see load), or stops for `null`. */
  follow(engine: CallEngine | null, context: AnnouncerContext): void {
    this.stop?.();
    this.stop = null;
    [this.engine, this.context] = [engine, context];
    this.announce();
  }

  /** Fetches the announcer's code (once): the visitor goes to join, and it speaks of the call. */
  load(): void {
    this.loading ??= import('./call-announcer.js').then(
      ({ announceCall }) => {
        this.announcer = announceCall;
        this.announce();
      },
      () => void (this.loading = null), // not fetched: the screens still say what they show, and the next join asks again
    );
  }

  private announce(): void {
    const { engine, context, announcer } = this;
    if (engine && context && announcer && !this.stop) this.stop = announcer(engine, context, (text) => this.say(text));
  }
}
