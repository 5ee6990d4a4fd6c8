/**
 * The side panels of the call (chat, participants, stats): which one is open, the messages that arrived
 * while the chat was closed, and the stats panel, whose code is fetched the first time it opens and whose
 * figures are only sampled while it is open.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallMonitor } from '../engine/call-monitor.js';
import type { PeerStats } from '../engine/peer-stats.js';
import type { Strings } from '../ui/strings.js';
import type { PanelName } from '../ui/view-model.js';

export class CallPanels implements ReactiveController {
  open: PanelName | null = null;
  /** Messages from others received while the chat panel was closed. */
  unread = 0;
  stats: PeerStats[] = [];
  private statsModule: typeof import('../ui/stats-panel.js') | null = null;
  private monitor: CallMonitor | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Follows the monitor of a new call (or none): its rows while the stats panel is open. */
  attach(monitor: CallMonitor | null): void {
    this.monitor = monitor;
    this.stats = [];
    monitor?.watch(this.open === 'stats');
    monitor?.on('stats', (rows) => {
      if (this.monitor !== monitor) return;
      this.stats = rows;
      this.host.requestUpdate();
    });
  }

  toggle(name: PanelName): void {
    this.open = this.open === name ? null : name;
    if (this.open === 'chat') this.unread = 0;
    this.monitor?.watch(this.open === 'stats');
    if (this.open === 'stats' && !this.statsModule) {
      void import('../ui/stats-panel.js').then((module) => {
        this.statsModule = module;
        this.host.requestUpdate();
      });
    }
    this.host.requestUpdate();
  }

  close(): void {
    if (this.open) this.toggle(this.open);
  }

  /** A chat message arrived: counted as unread unless the chat is open or it is our own. */
  messageArrived(self: boolean): void {
    if (!self && this.open !== 'chat') this.unread++;
    this.host.requestUpdate();
  }

  /** The stats panel's body, once its module is loaded (the view shows "Loading…" until then). */
  statsPanel(strings: Strings): unknown {
    return this.open === 'stats' ? this.statsModule?.renderStatsPanel(this.stats, strings) : undefined;
  }
}
