/// <reference types="mocha" />
/**
 * Fixtures for the matching modes' view tests: view-models whose callbacks behave as the element's do, and a
 * mount that also adopts the lazily loaded styles, as the element does when it loads those views.
 */
import type { TemplateResult } from 'lit';
import { withQueueStrings } from '../src/ui/queue-strings.js';
import { adoptQueueStyles } from '../src/ui/queue-styles.js';
import type {
  AgentConsoleView,
  MatchControlsView,
  QueueStatusView,
  TicketFormView,
  WaitingView,
} from '../src/ui/view-model.js';
import { en, mount as mountView, type Mounted } from './ui-fixtures.js';

export const qs = withQueueStrings(en);

/** `mount` of ui-fixtures, with the queue views' styles adopted too. */
export function mountQueueView<V extends object>(
  draw: (view: V) => TemplateResult,
  view: V,
  width?: number,
): Mounted<V> {
  const mounted = mountView(draw, view, width);
  adoptQueueStyles(mounted.root);
  return mounted;
}

export const waitingStatus = (patch: Partial<QueueStatusView> = {}): QueueStatusView => ({
  status: 'waiting',
  position: 2,
  waiting: 3,
  agentsOnline: 1,
  estimatedWaitMs: 120_000,
  ...patch,
});

/** A ticket form whose fields keep what is typed, as the element's does. */
export function ticketForm(patch: Partial<TicketFormView> = {}): TicketFormView {
  const form: TicketFormView = {
    message: '',
    contact: '',
    sending: false,
    onMessageInput: (text) => void (form.message = text),
    onContactInput: (text) => void (form.contact = text),
    onSend() {},
    ...patch,
  };
  return form;
}

export function waitingView(patch: Partial<WaitingView> = {}): WaitingView {
  return {
    strings: qs,
    mode: 'support',
    status: waitingStatus(),
    chatEnded: false,
    message: '',
    ticket: ticketForm(),
    onCancel() {},
    ...patch,
  };
}

export function matchControls(patch: Partial<MatchControlsView> = {}): MatchControlsView {
  const view: MatchControlsView = {
    strings: qs,
    reportOpen: false,
    onNext() {},
    onToggleReport: () => void (view.reportOpen = !view.reportOpen),
    onReport: () => void (view.reportOpen = false),
    ...patch,
  };
  return view;
}

/** An agent console whose decline form opens, keeps its reason and closes as the element's does. */
export function agentConsole(patch: Partial<AgentConsoleView> = {}): AgentConsoleView {
  const view: AgentConsoleView = {
    strings: qs,
    available: true,
    agentsOnline: 2,
    customers: [
      { customerId: 'customer-aaaa1111', displayName: 'Ada', waitedMs: 65_000, message: 'My camera does not work' },
      { customerId: 'customer-bbbb2222', displayName: 'Grace', waitedMs: 4_000, message: null },
    ],
    busy: false,
    declining: null,
    declineReason: '',
    onToggleAvailable: () => void (view.available = !view.available),
    onTakeNext() {},
    onTake() {},
    onStartDecline: (id) => void ([view.declining, view.declineReason] = [id, '']),
    onDeclineReasonInput: (text) => void (view.declineReason = text),
    onDecline: () => void (view.declining = null),
    onCancelDecline: () => void (view.declining = null),
    ...patch,
  };
  return view;
}
