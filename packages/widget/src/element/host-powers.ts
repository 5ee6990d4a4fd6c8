/**
 * Host powers and knocking as the element holds them: the code (host-controls.ts, its events and its state)
 * is a lazy chunk, fetched when the engine starts, and waited for before a join, so that nothing the room says
 * to a host or a knocking guest arrives before it is there.
 */
import { nothing, type TemplateResult } from 'lit';
import type { CallEngine } from '../engine/call-engine.js';
import type { Strings } from '../ui/strings.js';
import type { HostView } from '../ui/view-model.js';
import type { HostControls } from './host-controls.js';

export class HostPowers {
  private controls: HostControls | null = null;
  private loading: Promise<HostControls> | null = null;
  private engine: CallEngine | null = null;

  constructor(private readonly make: (module: typeof import('./host-controls.js')) => HostControls) {}

  /** Follows a new engine (or none), fetching the code once there is one. */
  attach(engine: CallEngine | null): void {
    this.engine = engine;
    this.controls?.attach(engine);
    if (engine) this.get().catch(() => undefined); // a join waits for it, and says if it cannot be fetched
  }

  /** The controls, once their code is here. */
  get(): Promise<HostControls> {
    this.loading ??= import('./host-controls.js').then(
      (module) => {
        this.controls = this.make(module);
        this.controls.attach(this.engine);
        return this.controls;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }

  additions(): { host?: HostView } {
    return this.controls?.additions() ?? {};
  }

  /** A guest's wait at a knocking room's door, above the pre-join screen. */
  waiting(s: Strings): TemplateResult | typeof nothing {
    return this.controls?.waiting(s) ?? nothing;
  }
}
