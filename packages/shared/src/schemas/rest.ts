import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { LeaveReason } from '../protocol.js';
import { DisplayName, IceTransportPolicy, PeerId, RoomName } from './common.js';
import { QUEUE_MESSAGE_MAX_LENGTH, QueueName } from './queue.js';
import { CallNetworkQuality } from './call-quality.js';

/** One page of a cursor-paged list: `nextCursor` is passed as `cursor` for the next page, and is null on the last. */
const Page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Calls are a full mesh: every browser sends a stream to every other, so rooms stay small. */
export const MIN_ROOM_PARTICIPANTS = 2;
export const MAX_ROOM_PARTICIPANTS = 8;
/** Largest `metadata` document, in bytes of JSON. */
export const MAX_ROOM_METADATA_BYTES = 4096;
/** Deepest nesting of `metadata` (the object itself is depth 1), and most keys in all of its objects together. */
export const MAX_ROOM_METADATA_DEPTH = 8;
export const MAX_ROOM_METADATA_KEYS = 256;
export const MAX_ROOM_TTL_SECONDS = 30 * 24 * 3600;

export const RoomPrivacy = Type.Union([Type.Literal('public'), Type.Literal('private')], {
  description:
    "public: anyone with the project's publishable key may join by name; private: only holders of a join token",
});
export type RoomPrivacy = Static<typeof RoomPrivacy>;

/** `POST /v1/rooms` body. */
export const CreateRoomBody = Type.Object(
  {
    name: Type.Optional(RoomName),
    privacy: RoomPrivacy,
    maxParticipants: Type.Optional(
      Type.Integer({ minimum: MIN_ROOM_PARTICIPANTS, maximum: MAX_ROOM_PARTICIPANTS, default: 4 }),
    ),
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: 60,
        maximum: MAX_ROOM_TTL_SECONDS,
        description: 'the room refuses joins after this long',
      }),
    ),
    metadata: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: `any JSON object up to ${MAX_ROOM_METADATA_BYTES} bytes, nested at most ${MAX_ROOM_METADATA_DEPTH} deep, with at most ${MAX_ROOM_METADATA_KEYS} keys in all`,
        // Checked by the service's validator before anything walks the document (see json-limits.ts).
        'x-max-depth': MAX_ROOM_METADATA_DEPTH,
        'x-max-keys': MAX_ROOM_METADATA_KEYS,
      }),
    ),
    iceTransportPolicy: Type.Optional(IceTransportPolicy),
    knock: Type.Optional(
      Type.Boolean({ description: 'guests knock and wait until a host in the call admits them (hosts enter at once)' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateRoomBody = Static<typeof CreateRoomBody>;

export const Room = Type.Object({
  id: Type.String(),
  name: RoomName,
  privacy: RoomPrivacy,
  maxParticipants: Type.Integer(),
  metadata: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  /** What calls in this room use: the room's own setting, or the service's when it is relay-only. */
  iceTransportPolicy: IceTransportPolicy,
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Participants connected right now. */
  participantCount: Type.Integer(),
  /** Nobody new joins (`room_locked`) but the room's hosts. */
  locked: Type.Boolean(),
  /** Guests knock and wait until a host in the call admits them. */
  knock: Type.Boolean(),
});
export type Room = Static<typeof Room>;

/** `PATCH /v1/rooms/:id`: lock or unlock the room, make guests knock or not (at least one of them). */
export const UpdateRoomBody = Type.Object(
  { locked: Type.Optional(Type.Boolean()), knock: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRoomBody = Static<typeof UpdateRoomBody>;

/** `DELETE /v1/rooms/:id/participants/:peerId` path parameters. */
export const ParticipantParams = Type.Object({
  id: Type.String({ pattern: '^room_[A-Za-z0-9]{1,40}$' }),
  peerId: PeerId,
});
export type ParticipantParams = Static<typeof ParticipantParams>;

/** What `POST /v1/rooms` answers: the room, and a link anyone may join it with. */
export const CreatedRoom = Type.Composite([
  Room,
  Type.Object({
    /** The service's join page for this room, with a guest token valid for 24 hours (or until the room expires). */
    url: Type.String(),
  }),
]);
export type CreatedRoom = Static<typeof CreatedRoom>;

export const RoomList = Page(Room);
export type RoomList = Static<typeof RoomList>;

export const ListRoomsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListRoomsQuery = Static<typeof ListRoomsQuery>;

export const RoomIdParams = Type.Object({ id: Type.String({ pattern: '^room_[A-Za-z0-9]{1,40}$' }) });
export type RoomIdParams = Static<typeof RoomIdParams>;

export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;
export const DEFAULT_TOKEN_TTL_SECONDS = 600;

export const ParticipantRole = Type.Union([Type.Literal('host'), Type.Literal('guest'), Type.Literal('agent')]);
export type ParticipantRole = Static<typeof ParticipantRole>;

/** `POST /v1/rooms/:id/tokens` body. */
export const CreateTokenBody = Type.Object(
  {
    role: ParticipantRole,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ttlSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: MAX_TOKEN_TTL_SECONDS, default: DEFAULT_TOKEN_TTL_SECONDS }),
    ),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const JoinToken = Type.Object({
  /** Give this to the widget's `token` attribute. */
  token: Type.String(),
  roomId: Type.String(),
  room: RoomName,
  role: ParticipantRole,
  expiresAt: Type.String({ format: 'date-time' }),
  /** The service's join page for the room with this token: send it to the person the token is for. */
  url: Type.String(),
});
export type JoinToken = Static<typeof JoinToken>;

export const Participant = Type.Object({
  peerId: Type.String(),
  displayName: Type.String(),
  /** From the join token; `guest` for those who joined a public room with the publishable key. */
  role: ParticipantRole,
  joinedAt: Type.String({ format: 'date-time' }),
});
export type Participant = Static<typeof Participant>;

export const ParticipantList = Type.Object({ data: Type.Array(Participant) });
export type ParticipantList = Static<typeof ParticipantList>;

/** Why a participant left a call (the protocol's `LeaveReason`). */
export const CallLeaveReason = Type.Union(
  [
    Type.Literal(LeaveReason.hangup),
    Type.Literal(LeaveReason.timeout),
    Type.Literal(LeaveReason.network),
    Type.Literal(LeaveReason.kicked),
    Type.Literal(LeaveReason.roomEnded),
  ],
  {
    description:
      'hangup: left or closed the page; timeout: did not come back in time; network: connection lost; kicked: removed by the service; room-ended: the room was ended or expired',
  },
);
// The schema lists exactly the protocol's reasons: this stops compiling when one is added to either alone.
true satisfies [Static<typeof CallLeaveReason>] extends [LeaveReason]
  ? [LeaveReason] extends [Static<typeof CallLeaveReason>]
    ? true
    : false
  : false;

/** One participant of a past or ongoing call. */
export const CallParticipant = Type.Object({
  peerId: Type.String(),
  displayName: Type.String(),
  role: ParticipantRole,
  joinedAt: Type.String({ format: 'date-time' }),
  /** Null while the participant is in the call. */
  leftAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  leaveReason: Type.Union([CallLeaveReason, Type.Null()]),
});
export type CallParticipant = Static<typeof CallParticipant>;

/** One call in a room: from the first participant joining the empty room until the last one left. */
export const CallSession = Type.Object({
  id: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  /** Null while the call goes on. */
  endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Everyone who joined the call, in order of arrival. */
  participants: Type.Array(CallParticipant),
  /** The worst network quality the participants' widgets reported; null when none did (a call under ~6 s). */
  worstNetworkQuality: Type.Union([CallNetworkQuality, Type.Null()]),
  /** Whether the call went through a TURN relay (always in a relay-only room); null when no widget reported. */
  relayUsed: Type.Union([Type.Boolean(), Type.Null()]),
});
export type CallSession = Static<typeof CallSession>;

export const CallSessionList = Page(CallSession);
export type CallSessionList = Static<typeof CallSessionList>;

/** `GET /v1/rooms/:id/sessions` query: the same paging as the room list. */
export const ListSessionsQuery = ListRoomsQuery;
export type ListSessionsQuery = ListRoomsQuery;

/** `/v1/queues/:name` path parameters. */
export const QueueNameParams = Type.Object({ name: QueueName });
export type QueueNameParams = Static<typeof QueueNameParams>;

/** `GET /v1/queues/:name`: the support queue and the random pool of that name, as they stand now. */
export const QueueStats = Type.Object({
  name: QueueName,
  support: Type.Object({
    /** Customers waiting for an agent. */
    waiting: Type.Integer(),
    /** Agents of this queue that are online (in a call or not). */
    agentsOnline: Type.Integer(),
    /** Average wait of the recent customers taken (the last 20), in seconds; null without history. */
    averageWaitSeconds: Type.Union([Type.Number(), Type.Null()]),
  }),
  random: Type.Object({
    /** Visitors waiting to be paired. */
    waiting: Type.Integer(),
    /** Pairs matched now (in a call, or about to join it). */
    pairs: Type.Integer(),
  }),
});
export type QueueStats = Static<typeof QueueStats>;

/** An agent token lives for a working shift unless told otherwise. */
export const DEFAULT_AGENT_TOKEN_TTL_SECONDS = 8 * 3600;

/** `POST /v1/queues/:name/agent-tokens` body. */
export const CreateAgentTokenBody = Type.Object(
  {
    /** The agent's name, shown to the customers they take. */
    displayName: DisplayName,
    ttlSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: MAX_TOKEN_TTL_SECONDS, default: DEFAULT_AGENT_TOKEN_TTL_SECONDS }),
    ),
  },
  { additionalProperties: false },
);
export type CreateAgentTokenBody = Static<typeof CreateAgentTokenBody>;

export const AgentToken = Type.Object({
  /** Give this to the agent widget's `token` attribute (with `mode="agent"`). */
  token: Type.String(),
  queue: QueueName,
  role: Type.Literal('agent'),
  displayName: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type AgentToken = Static<typeof AgentToken>;

export const TicketStatus = Type.Union([Type.Literal('open'), Type.Literal('closed')], {
  description: 'open until someone on the support team closes it',
});
export type TicketStatus = Static<typeof TicketStatus>;

/** A message a customer left for the support team (typically when no agent was online). */
export const SupportTicket = Type.Object({
  id: Type.String(),
  queue: QueueName,
  displayName: Type.Union([Type.String(), Type.Null()]),
  message: Type.String({ maxLength: QUEUE_MESSAGE_MAX_LENGTH }),
  /** How to reach the customer, as they typed it; null when they left none. */
  contact: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  status: TicketStatus,
  /** Who on the support team handles it; null while nobody does. */
  assignee: Type.Union([Type.String(), Type.Null()]),
  /** When its status or assignee last changed; null if never. */
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type SupportTicket = Static<typeof SupportTicket>;

/** `PATCH /v1/queues/:name/tickets/:id`: the fields given change (`assignee: null` unassigns). */
export const UpdateTicketBody = Type.Object(
  {
    status: Type.Optional(TicketStatus),
    assignee: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTicketBody = Static<typeof UpdateTicketBody>;

export const TicketParams = Type.Object({ name: QueueName, id: Type.String({ pattern: '^tkt_[A-Za-z0-9]{1,40}$' }) });
export type TicketParams = Static<typeof TicketParams>;

export const SupportTicketList = Page(SupportTicket);
export type SupportTicketList = Static<typeof SupportTicketList>;

/** `GET /v1/queues/:name/tickets` query: the same paging as the room list, and a status to keep. */
export const ListTicketsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(TicketStatus),
  },
  { additionalProperties: false },
);
export type ListTicketsQuery = Static<typeof ListTicketsQuery>;

/** The error body of every REST failure. */
export const RestError = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  code: Type.String(),
  message: Type.String(),
});
export type RestError = Static<typeof RestError>;
