/**
 * Matching: the two ways of joining that are not "type a room name". A visitor waits in a queue of the site's
 * project; the service pairs them (random mode: two strangers; support mode: a customer and an agent) and
 * sends both `match:found` with a fresh private room, which each joins with `room:join` as usual.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DisplayName, PeerId, RoomName } from './common.js';
import { MediaState } from './presence.js';

/** A queue name (the `queue` attribute): same rules as a room name; `default` when none is given. */
export const QueueName = RoomName;
export type QueueName = Static<typeof QueueName>;

/** Longest message a customer may attach to a support request or leave as a ticket. */
export const QUEUE_MESSAGE_MAX_LENGTH = 1000;
const QueueMessage = Type.String({ minLength: 1, maxLength: QUEUE_MESSAGE_MAX_LENGTH });

/** `random`: pair two visitors; `support`: a customer waits for an agent. */
export const QueueMode = Type.Union([Type.Literal('random'), Type.Literal('support')]);
export type QueueMode = Static<typeof QueueMode>;

/** `queue:enter` — wait in a queue. One queue per connection; a connection in a room leaves it first. */
export const QueueEnterRequest = Type.Object(
  {
    mode: QueueMode,
    queue: QueueName,
    displayName: Type.Optional(DisplayName),
    /** Support mode: what the customer needs help with, shown to the agents. */
    message: Type.Optional(QueueMessage),
    /** Which media the visitor has; a visitor with none is still paired (for text chat). */
    media: Type.Optional(MediaState),
    /**
     * Random mode: an opaque id the widget keeps in the site's storage, so that a reported pair is not
     * matched again after a reload. Not trusted for anything else.
     */
    visitorId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' })),
  },
  { additionalProperties: false },
);
export type QueueEnterRequest = Static<typeof QueueEnterRequest>;

/**
 * `queue:watch` — support mode, before waiting: whether an agent is online. Answered with the line's
 * availability, then `queue:availability` whenever it changes, until the connection enters a queue, watches
 * another one, or closes. Needs no camera: a help page can say "no agent online" before asking for one.
 */
export const QueueWatchRequest = Type.Object({ queue: QueueName }, { additionalProperties: false });
export type QueueWatchRequest = Static<typeof QueueWatchRequest>;

/** A support line's availability, as a customer sees it before waiting (`queue:watch`, `queue:availability`). */
export interface QueueAvailability {
  queue: QueueName;
  agentsOnline: number;
  /** How long a customer joining now would wait, from the recent average; null without history or agent. */
  estimatedWaitMs: number | null;
}

/** `queue:leave` — stop waiting (Cancel). */
export const QueueLeaveRequest = Type.Object({}, { additionalProperties: false });
export type QueueLeaveRequest = Static<typeof QueueLeaveRequest>;

/** `match:next` — random mode: end the current pair and wait again; the partner waits again too. */
export const MatchNextRequest = Type.Object({}, { additionalProperties: false });
export type MatchNextRequest = Static<typeof MatchNextRequest>;

export const ReportReason = Type.Union([
  Type.Literal('abuse'),
  Type.Literal('nudity'),
  Type.Literal('spam'),
  Type.Literal('underage'),
  Type.Literal('other'),
]);
export type ReportReason = Static<typeof ReportReason>;

/** `match:report` — random mode: report the current partner; the pair ends and is never matched again. */
export const MatchReportRequest = Type.Object(
  { reason: ReportReason, note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);
export type MatchReportRequest = Static<typeof MatchReportRequest>;

/** `ticket:create` — support mode, typically when no agent is online: leave a message instead of waiting. */
export const TicketCreateRequest = Type.Object(
  {
    queue: QueueName,
    message: QueueMessage,
    displayName: Type.Optional(DisplayName),
    /** How to reach the customer (an e-mail address or a phone number, as they typed it). */
    contact: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type TicketCreateRequest = Static<typeof TicketCreateRequest>;

/** `agent:status` — an agent (connected with an agent token) is available or not; the ack is the queue. */
export const AgentStatusRequest = Type.Object(
  {
    status: Type.Union([Type.Literal('online'), Type.Literal('away')]),
    /**
     * The queue the agent's widget was set up for (its `queue` attribute). The token names the queue the agent
     * serves; another name here is `token_queue_mismatch`, so a console pointed at the wrong queue says so.
     */
    queue: Type.Optional(QueueName),
  },
  { additionalProperties: false },
);
export type AgentStatusRequest = Static<typeof AgentStatusRequest>;

/** `agent:take` — take the customer waiting longest, or the one named. Both get `match:found`. */
export const AgentTakeRequest = Type.Object({ customerId: Type.Optional(PeerId) }, { additionalProperties: false });
export type AgentTakeRequest = Static<typeof AgentTakeRequest>;

/** `agent:decline` — turn a waiting customer away with a reason they are shown; they leave the queue. */
export const AgentDeclineRequest = Type.Object(
  { customerId: PeerId, reason: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);
export type AgentDeclineRequest = Static<typeof AgentDeclineRequest>;

/**
 * `queue:update`, pushed to a waiting visitor whenever their place changes, and the ack of `queue:enter`
 * and `match:next`. `status`: `waiting` (in the queue), `matched` (a `match:found` follows or came),
 * `declined` (an agent turned the request away; `reason` says why), `left` (no longer queued).
 */
export interface QueueStatus {
  mode: QueueMode;
  queue: QueueName;
  status: 'waiting' | 'matched' | 'declined' | 'left';
  /** 1 for the next one to be matched; 0 when not waiting. */
  position: number;
  /** How many wait in this queue now (including this visitor). */
  waiting: number;
  /** Support mode: agents online now (random mode: 0). */
  agentsOnline: number;
  /** Support mode: estimate from the recent average wait; null when there is no history or no agent online. */
  estimatedWaitMs: number | null;
  reason?: string;
}

/**
 * The ack of `queue:enter`. With several nodes, `resume`: a token for this place, sent back as `auth.resume` (as a
 * seat's, `JoinResult.resume`) when connecting again after the node holding the connection went away; any later
 * token of the same peer (a seat's, `SessionInfo.resume`) takes the place back too, for as long as it lasts.
 */
export type QueueEntered = QueueStatus & { resume?: string };

/** A customer as an agent sees them. */
export interface QueuedCustomer {
  /** The customer's peer id; what `agent:take` and `agent:decline` name. */
  customerId: PeerId;
  displayName: string;
  /** Milliseconds since the epoch, when they started waiting. */
  since: number;
  message?: string;
}

/**
 * The ack of `agent:status`: the queue as it stands (`queue:changes` keep it up to date after). It lists the
 * first customers in line (20), and how many wait in all.
 */
export interface QueueSnapshot {
  queue: QueueName;
  /** The first customers in line, in order: at most 20, however many wait. */
  customers: QueuedCustomer[];
  /** How many customers wait in all (`customers` lists the first of them). */
  total: number;
  agentsOnline: number;
  /** Average wait of the recent matches, in milliseconds; null without history. */
  averageWaitMs: number | null;
}

/**
 * `queue:changes`, pushed to an agent after its first snapshot (the ack of `agent:status`) whenever its queue
 * changed, at most four times a second: the ids of the first customers in line, in order, and only the entries
 * of those the agent was not sent yet (an entry never changes while the customer waits). Applied to the last
 * snapshot (`applyQueueChanges`) it gives the snapshot the agent would have been sent.
 */
export interface QueueChanges {
  queue: QueueName;
  /** The first customers in line, in order (at most 20): `customers` of the snapshot, by id. */
  order: PeerId[];
  /** The entries of `order` this agent had not been sent before. */
  added: QueuedCustomer[];
  total: number;
  agentsOnline: number;
  averageWaitMs: number | null;
}

/** `match:found`: join `room` now (`room:join`); the service admits exactly the two matched connections. */
export interface MatchFound {
  mode: QueueMode;
  queue: QueueName;
  room: RoomName;
  partner: { peerId: PeerId; displayName: string; media?: MediaState };
}

/** `match:ended`: the pair is over (the partner moved on, left or reported); the visitor waits again. */
export interface MatchEnded {
  reason: 'next' | 'partner-left' | 'reported';
  /** Where the visitor is now: normally waiting again. */
  status: QueueStatus;
}

/** The ack of `ticket:create`. */
export interface TicketCreated {
  ticketId: string;
}

/** The ack of `agent:take`. */
export interface AgentTaken {
  customerId: PeerId;
}

export type { RoomName };
