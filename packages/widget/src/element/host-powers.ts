/**
 * Host powers and knocking as the element holds them: the code (host-controls.ts, its events and its state)
 * is a lazy chunk, fetched when the visitor goes to join (the element asks), a host power is used, or the room
 * first speaks of hosts. What the room says before it is there is kept here and handed to it when it comes, in order.
 */
import { nothing, type TemplateResult } from 'lit';
import type { CallEngine, CallEngineEvents } from '../engine/call-engine.js';
import type { Strings } from '../ui/strings.js';
import type { HostView } from '../ui/view-model.js';
import type { HostControls } from './host-controls.js';

/** The engine's events the host controls follow. */
export const HOST_EVENTS = ['knock-request', 'knock-withdrawn', 'knock-waiting', 'room-locked', 'host-muted'] as const;
export type HostEvent = (typeof HOST_EVENTS)[number];

export class HostPowers {
  private controls: HostControls | null = null;
  /** The engine's host events heard before the controls' code came, and how to stop hearing them. */
  private backlog: Array<(controls: HostControls) => void> = [];
  private stopBacklog: Array<() => void> = [];
  private loading: Promise<HostControls> | null = null;
  private engine: CallEngine | null = null;

  constructor(private readonly make: (module: typeof import('./host-controls.js')) => HostControls) {}

  /** Follows a new engine (or none); its host events wait here until the code is fetched. */
  attach(engine: CallEngine | null): void {
    this.engine = engine;
    this.endBacklog();
    this.controls?.attach(engine);
    if (!engine || this.controls) return;
    this.stopBacklog = HOST_EVENTS.map((name) =>
      engine.on(name, (...args: CallEngineEvents[HostEvent]) => {
        this.backlog.push((c) => (c.handle[name] as (...a: unknown[]) => void)(...args));
        this.get().catch(() => undefined); // the methods say so if it cannot be fetched
      }),
    );
  }

  /** The controls, once their code is here. */
  get(): Promise<HostControls> {
    this.loading ??= import('./host-controls.js').then(
      (module) => {
        const controls = (this.controls = this.make(module));
        controls.attach(this.engine);
        const backlog = this.backlog;
        this.endBacklog();
        for (const apply of backlog) apply(controls);
        return controls;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }

  private endBacklog(): void {
    for (const stop of this.stopBacklog) stop();
    [this.backlog, this.stopBacklog] = [[], []];
  }

  additions(): { host?: HostView } {
    return this.controls?.additions() ?? {};
  }

  /** A guest's wait at a knocking room's door, above the pre-join screen. */
  waiting(s: Strings): TemplateResult | typeof nothing {
    return this.controls?.waiting(s) ?? nothing;
  }
}
