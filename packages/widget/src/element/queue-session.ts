/**
 * Random mode and the support customer, for one call engine: the matchmaker, the screens shown while waiting
 * and after the queue ended the visit, Next and Report during a random call, and `vc-queue-update`. A lazy
 * chunk, loaded by matching.ts with the views it renders.
 */
import type { ReportReason } from '@vcw/shared';
import { LeaveReason } from '@vcw/shared/protocol';
import type { CallEngine, CallState } from '../engine/call-engine.js';
import { Matchmaker } from '../engine/matchmaker.js';
import { VcAvailabilityEvent } from '../events/vc-availability-event.js';
import { VcQueueUpdateEvent } from '../events/vc-queue-update-event.js';
import { renderMatchControls } from '../ui/match-controls.js';
import { renderQueueOutcome } from '../ui/queue-outcome.js';
import { withQueueStrings } from '../ui/queue-strings.js';
import { adoptQueueStyles } from '../ui/queue-styles.js';
import type { Strings } from '../ui/strings.js';
import { renderSupportPrejoin } from '../ui/support-prejoin.js';
import type { QueueOutcomeView, TicketFormView } from '../ui/view-model.js';
import { renderWaiting } from '../ui/waiting-view.js';
import type { MatchingHost, MatchingSession, StartSession } from './matching.js';
import type { UiState } from './view-builder.js';

export const startQueueSession: StartSession = (engine, host, onError) => new QueueSession(engine, host, onError);

class QueueSession implements MatchingSession {
  private readonly matchmaker: Matchmaker;
  private readonly mode: 'random' | 'support';
  /** Support: the message typed on the pre-join screen, and the one sent with the request. */
  private message = '';
  private sentMessage = '';
  private ticket = { message: '', contact: '', sending: false };
  /** Random: the last pair ended, and no new one started yet. */
  private chatEnded = false;
  private reportOpen = false;
  /** Support: how the visit ended, for the screen after it. */
  private ending: QueueOutcomeView['outcome'] | null = null;
  private closed = false;

  constructor(
    private readonly engine: CallEngine,
    private readonly host: MatchingHost,
    private readonly onError: (error: unknown) => void,
  ) {
    this.mode = host.mode === 'random' ? 'random' : 'support';
    this.matchmaker = new Matchmaker(engine, this.mode, host.queue);
    adoptQueueStyles(host.renderRoot as ShadowRoot);
    this.matchmaker.on('error', onError);
    this.matchmaker.on('status', (status) => {
      if (this.closed) return;
      if (status.status === 'declined') this.ending = { kind: 'declined', reason: status.reason ?? '' };
      host.dispatchEvent(new VcQueueUpdateEvent(status));
      this.render();
    });
    // Support: the agent left (or ended the room), so the call is over; the customer may call again.
    engine.on('left', ({ reason }) => {
      if (this.mode === 'support' && reason === LeaveReason.roomEnded) this.ending = { kind: 'call-ended' };
    });
    // Support: whether an agent is online, asked at once (a connection, no camera) and followed until waiting.
    this.matchmaker.on('availability', ({ queue, agentsOnline, estimatedWaitMs }) => {
      if (this.closed) return;
      host.dispatchEvent(
        new VcAvailabilityEvent({
          queue,
          agentsOnline,
          estimatedWaitSeconds: estimatedWaitMs === null ? null : Math.round(estimatedWaitMs / 1000),
        }),
      );
      this.render();
    });
    if (this.mode === 'support') this.matchmaker.watch().catch(() => undefined); // a refused connection is the call's to report
    this.matchmaker.on('found', () => {
      this.chatEnded = false;
      this.render();
    });
    this.matchmaker.on('ended', () => {
      this.chatEnded = true;
      this.reportOpen = false;
      this.render();
    });
  }

  async join(displayName: string): Promise<void> {
    this.ending = null;
    this.chatEnded = false;
    this.sentMessage = this.mode === 'support' ? this.message.trim() : '';
    // With no agent online, the message asked before waiting is a good start for the one left instead.
    this.ticket = { message: this.sentMessage, contact: '', sending: false };
    await this.matchmaker.enter({
      ...(displayName ? { displayName } : {}),
      ...(this.sentMessage ? { message: this.sentMessage } : {}),
    });
  }

  async next(): Promise<void> {
    this.reportOpen = false;
    await this.matchmaker.next();
  }

  hangUp(): boolean {
    return false; // leaving ends the visit: the element's leave()
  }

  screen(state: CallState, strings: Strings): unknown {
    if (state === 'left') return this.outcome(strings);
    if (state !== 'connecting') return undefined;
    return renderWaiting({
      strings: withQueueStrings(strings),
      mode: this.mode,
      status: this.matchmaker.status,
      chatEnded: this.chatEnded,
      message: this.sentMessage,
      ticket: this.ticketForm(),
      onCancel: () => void this.matchmaker.cancel().catch(this.onError),
    });
  }

  additions(strings: Strings): Pick<UiState, 'prejoinFields' | 'matchControls'> {
    const s = withQueueStrings(strings);
    if (this.mode === 'support') {
      return {
        prejoinFields: renderSupportPrejoin({
          strings: s,
          agentsOnline: this.matchmaker.availability?.agentsOnline ?? null,
          message: this.message,
          onMessageInput: (text) => (this.message = text),
        }),
      };
    }
    return {
      matchControls: renderMatchControls({
        strings: s,
        reportOpen: this.reportOpen,
        onNext: () => void this.next().catch(this.onError),
        onToggleReport: () => {
          this.reportOpen = !this.reportOpen;
          this.render();
        },
        onReport: (reason: ReportReason) => {
          this.reportOpen = false;
          this.matchmaker.report(reason).catch(this.onError);
        },
      }),
    };
  }

  private outcome(strings: Strings): unknown {
    if (!this.ending) return undefined;
    return renderQueueOutcome({
      strings: withQueueStrings(strings),
      outcome: this.ending,
      onCallAgain: () => void this.host.join().catch(() => undefined),
    });
  }

  close(): void {
    this.closed = true;
  }

  private ticketForm(): TicketFormView {
    const { ticket } = this;
    return {
      ...ticket,
      onMessageInput: (text) => (ticket.message = text),
      onContactInput: (text) => (ticket.contact = text),
      onSend: (message, contact) => {
        ticket.sending = true;
        this.render();
        this.matchmaker
          .leaveMessage(message, contact || undefined)
          .then(() => (this.ending = { kind: 'ticket-sent' }), this.onError)
          .finally(() => {
            ticket.sending = false;
            this.render();
          });
      },
    };
  }

  private render(): void {
    if (!this.closed) this.host.requestUpdate();
  }
}
