/**
 * Agent mode, for one call engine: the matchmaker on the agent's side, and the console shown between calls
 * (its "waited" times tick every second while it is on screen), `vc-queue-update` and `vc-customer-waiting`
 * with their chime and title (agent-alerts.ts), and in the call a header with the customer's name and
 * message. A lazy chunk, loaded by matching.ts in agent mode only.
 */
import type { CallEngine, CallState } from '../engine/call-engine.js';
import { CallError } from '../engine/call-error.js';
import { VcCustomerWaitingEvent } from '../events/vc-customer-waiting-event.js';
import { VcQueueUpdateEvent } from '../events/vc-queue-update-event.js';
import { Matchmaker } from '../engine/matchmaker.js';
import { renderAgentConsole, renderCustomerHeader } from '../ui/agent-console.js';
import { withQueueStrings } from '../ui/queue-strings.js';
import { adoptQueueStyles } from '../ui/queue-styles.js';
import { resolveStrings, type QueueStrings, type Strings } from '../ui/strings.js';
import { AgentAlerts } from './agent-alerts.js';
import { announce } from './live-region.js';
import type { MatchingHost, MatchingSession, StartSession } from './matching.js';
import type { UiState } from './view-builder.js';

export const startAgentSession: StartSession = (engine, host, onError) => new AgentSession(engine, host, onError);

class AgentSession implements MatchingSession {
  private readonly matchmaker: Matchmaker;
  /** A take is under way: no second one until its call starts (or it fails). */
  private taking = false;
  private declining: string | null = null;
  private declineReason = '';
  private ticker: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** Customers already on the console (announced when they arrive, not at the first look), and the words of the last render. */
  private seen: Set<string> | null = null;
  private words: Strings & QueueStrings = withQueueStrings(resolveStrings(null));
  private readonly alerts = new AgentAlerts();
  /** What each customer of the last two lists wrote, and who the current call is with (for the header in the call). */
  private messages: [Map<string, string | null>, Map<string, string | null>] = [
    new Map<string, string | null>(),
    new Map<string, string | null>(),
  ];
  private customer: { displayName: string; message: string | null } | null = null;

  constructor(
    engine: CallEngine,
    private readonly host: MatchingHost,
    private readonly onError: (error: unknown) => void,
  ) {
    this.matchmaker = new Matchmaker(engine, 'agent', host.queue);
    adoptQueueStyles(host.renderRoot as ShadowRoot);
    this.matchmaker.on('error', onError);
    this.matchmaker.on('snapshot', (snapshot) => {
      const { customers, queue, total, agentsOnline, averageWaitMs } = snapshot;
      // The customer being declined left, or was taken by another agent: the form goes with them.
      if (this.declining && !customers.some((c) => c.customerId === this.declining)) this.declining = null;
      host.dispatchEvent(
        new VcQueueUpdateEvent({ mode: 'agent', queue, waiting: total, agentsOnline, averageWaitMs, customers }),
      );
      // A new customer waiting is said aloud, chimes and is an event: an agent may be looking elsewhere.
      for (const c of this.seen ? customers.filter((c) => !this.seen!.has(c.customerId)) : []) {
        const message = c.message ?? null;
        announce(this.host, this.words.customerWaiting(c.displayName));
        host.dispatchEvent(new VcCustomerWaitingEvent({ peerId: c.customerId, displayName: c.displayName, message }));
        this.alerts.arrived(host.notify, this.words.notifyCustomerWaiting(c.displayName), message);
      }
      this.seen = new Set(customers.map((c) => c.customerId));
      // The last two lists: a customer taken may be gone from the newest before its match:found arrives.
      this.messages = [this.messages[1], new Map(customers.map((c) => [c.customerId, c.message ?? null]))];
      this.alerts.waiting(total, this.words.titleWaiting);
      this.render();
    });
    this.matchmaker.on('found', ({ partner }) => {
      this.taking = false;
      const [older, newest] = this.messages;
      this.customer = {
        displayName: partner.displayName,
        message: newest.get(partner.peerId) ?? older.get(partner.peerId) ?? null,
      };
      this.render();
    });
    // The console is shown while `connecting` (and not in a call): only then do the waited times tick.
    engine.on('state', (state) => {
      this.tick(state === 'connecting');
      if (state === 'left' || state === 'error') this.alerts.clear();
    });
  }

  join(displayName: string): Promise<void> {
    this.alerts.askPermission(this.host.notify); // Join is the agent's click
    return this.matchmaker.setAvailable(true, displayName);
  }

  next(): Promise<void> {
    return Promise.reject(
      new CallError('configuration_invalid', 'next() is for mode="random"; an agent takes customers from the console.'),
    );
  }

  hangUp(): boolean {
    if (!this.matchmaker.match) return false;
    this.matchmaker.hangUp();
    return true;
  }

  screen(state: CallState, strings: Strings): unknown {
    if (state !== 'connecting') return undefined;
    const { snapshot, match, available } = this.matchmaker;
    const now = Date.now();
    this.words = withQueueStrings(strings);
    return renderAgentConsole({
      strings: this.words,
      available,
      agentsOnline: snapshot?.agentsOnline ?? 0,
      customers: (snapshot?.customers ?? []).map((c) => ({
        customerId: c.customerId,
        displayName: c.displayName,
        waitedMs: now - c.since,
        message: c.message ?? null,
      })),
      busy: this.taking || match !== null,
      declining: this.declining,
      declineReason: this.declineReason,
      onToggleAvailable: () => {
        this.alerts.askPermission(this.host.notify);
        this.act(this.matchmaker.setAvailable(!available));
      },
      onTakeNext: () => this.take(),
      onTake: (customerId) => this.take(customerId),
      onStartDecline: (customerId) => {
        [this.declining, this.declineReason] = [customerId, ''];
        this.render();
      },
      onDeclineReasonInput: (text) => (this.declineReason = text),
      onDecline: (reason) => {
        const customerId = this.declining;
        if (!customerId) return;
        this.declining = null;
        this.act(this.matchmaker.decline(customerId, reason));
      },
      onCancelDecline: () => {
        this.declining = null;
        this.render();
      },
    });
  }

  additions(strings: Strings): Pick<UiState, 'prejoinFields' | 'matchControls' | 'matchHeader'> {
    const { customer } = this;
    // In the call: who the customer is and what they wrote, kept in view for the whole call.
    if (!customer || !this.matchmaker.match) return {};
    return { matchHeader: renderCustomerHeader({ strings: withQueueStrings(strings), ...customer }) };
  }

  close(): void {
    this.closed = true;
    this.alerts.clear();
    this.tick(false);
  }

  private take(customerId?: string): void {
    this.taking = true;
    this.render();
    this.matchmaker.take(customerId).catch((error: unknown) => {
      this.taking = false;
      this.onError(error);
      this.render();
    });
  }

  private act(done: Promise<unknown>): void {
    this.render();
    done.catch(this.onError).finally(() => this.render());
  }

  private tick(on: boolean): void {
    clearInterval(this.ticker);
    this.ticker = on && !this.closed ? setInterval(() => this.render(), 1000) : undefined;
  }

  private render(): void {
    if (!this.closed) this.host.requestUpdate();
  }
}
