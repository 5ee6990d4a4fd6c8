/** Table types of the store, shared by every dialect. Times are ISO-8601 strings in UTC. */
import type { ColumnType, RawBuilder } from 'kysely';
import { sql } from './kysely.js';

/**
 * A boolean column: SQLite reads it as 0/1, PostgreSQL as false/true. better-sqlite3 cannot bind a boolean,
 * so writes take only `sqlBoolean(…)`, a literal both dialects accept; read it with `Boolean(…)`.
 */
export type BooleanColumn = ColumnType<boolean | number, RawBuilder<boolean> | undefined, RawBuilder<boolean>>;

export function sqlBoolean(value: boolean): RawBuilder<boolean> {
  return sql.lit(value);
}

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: string;
  /** Whether a publishable key may open a public room by joining an unknown name (default true). */
  allow_ad_hoc_rooms: BooleanColumn;
}

export interface ProjectOriginsTable {
  project_id: string;
  origin: string;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  type: 'publishable' | 'secret';
  environment: 'test' | 'live';
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  hash: string;
  /** What a person sees to recognise the key: its type prefix and last four characters. */
  display_prefix: string;
  last4: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Set when the key was rolled: it keeps working until then. */
  expires_at: string | null;
  /** The key that replaced this one when it was rolled. */
  replaced_by: string | null;
}

export interface RoomsTable {
  id: string;
  project_id: string;
  name: string;
  privacy: 'public' | 'private';
  max_participants: number;
  /** JSON text. */
  metadata: string | null;
  /** Null: the service's setting (ICE_TRANSPORT_POLICY). */
  ice_transport_policy: 'all' | 'relay' | null;
  created_at: string;
  expires_at: string | null;
  ended_at: string | null;
  /** Opened by a join by name (not through REST): counted against the project's caps, deleted once idle. */
  ad_hoc: BooleanColumn;
  /** Nobody new joins a locked room but its hosts. */
  locked: BooleanColumn;
  /** Guests knock and wait for a host to admit them. */
  knock: BooleanColumn;
}

export interface IdempotencyKeysTable {
  project_id: string;
  key: string;
  /** SHA-256 of the request body it was first used with. */
  request_hash: string;
  room_id: string;
  created_at: string;
}

/** One call in a room: from the first participant joining the empty room until the last one leaves. */
export interface RoomSessionsTable {
  id: string;
  project_id: string;
  room_id: string;
  started_at: string;
  ended_at: string | null;
  /** The worst network quality a participant's widget reported (`good` · `fair` · `poor`); null: none reported. */
  worst_network_quality: ColumnType<
    'good' | 'fair' | 'poor' | null,
    'good' | 'fair' | 'poor' | null | undefined,
    'good' | 'fair' | 'poor'
  >;
  /** Whether a widget reported a link through a TURN relay; null: none reported. */
  relay_used: ColumnType<boolean | number | null, RawBuilder<boolean> | undefined, RawBuilder<boolean>>;
}

export interface RoomSessionParticipantsTable {
  id: string;
  session_id: string;
  peer_id: string;
  display_name: string;
  role: 'host' | 'guest' | 'agent';
  joined_at: string;
  left_at: string | null;
  /** A `LeaveReason` of the shared protocol; null while the participant is in the call. */
  leave_reason: 'hangup' | 'timeout' | 'network' | 'kicked' | 'room-ended' | null;
}

/** A visitor of a random pair reporting the other; the two are never paired again. */
export interface MatchReportsTable {
  id: string;
  project_id: string;
  /** The random queue they were paired in. */
  queue: string;
  reporter_peer_id: string;
  /** The widget's `visitorId`, when it sent one: what keeps the pair apart across reloads. */
  reporter_visitor_id: string | null;
  reported_peer_id: string;
  reported_visitor_id: string | null;
  /** A `ReportReason` of the shared protocol. */
  reason: 'abuse' | 'nudity' | 'spam' | 'underage' | 'other';
  note: string | null;
  created_at: string;
}

/** A message a customer left for a support queue. Holds what they typed (and maybe contact details): never log it. */
export interface SupportTicketsTable {
  id: string;
  project_id: string;
  queue: string;
  display_name: string | null;
  message: string;
  contact: string | null;
  /** The connection that left it, to tell tickets from one visit apart. */
  peer_id: string | null;
  created_at: string;
  /** `open` until someone on the support team closes it. */
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  /** Who on the support team handles it (the partner's own name or id for them). */
  assignee: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A project's webhook endpoint. The signing secret is sealed (AES-256-GCM), never stored in plaintext. */
export interface WebhookEndpointsTable {
  id: string;
  project_id: string;
  url: string;
  /** JSON array of the event types it wants. */
  events: string;
  description: string | null;
  secret_sealed: string;
  /** After a roll with overlap: the old secret, which signs beside the new one until it expires. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
}

/** One message to one endpoint; its id is the `webhook-id` header of every attempt. */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_type: string;
  /** The JSON body, exactly as signed and sent. */
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  /** Failed attempts since it was queued (or replayed): what the retry schedule counts. */
  failures: number;
  /** When a pending delivery is due; null once delivered or failed. */
  next_attempt_at: string | null;
  created_at: string;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** A project's join page look; a project without a row uses the defaults. */
export interface ProjectBrandingTable {
  project_id: string;
  display_name: string | null;
  /** `#rrggbb`. */
  accent_color: string | null;
  logo_url: string | null;
  updated_at: string;
}

/** A join token that admits nobody to its room any more: its holder was removed from the call. */
export interface RemovedTokensTable {
  room_id: string;
  /** The token's `jti`; the token itself is never stored. */
  token_id: string;
  removed_at: string;
  /** When the removal lapses: no token it could refuse lives that long. */
  expires_at: string;
}

export interface Database {
  projects: ProjectsTable;
  project_origins: ProjectOriginsTable;
  api_keys: ApiKeysTable;
  rooms: RoomsTable;
  idempotency_keys: IdempotencyKeysTable;
  room_sessions: RoomSessionsTable;
  room_session_participants: RoomSessionParticipantsTable;
  match_reports: MatchReportsTable;
  support_tickets: SupportTicketsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  project_branding: ProjectBrandingTable;
  removed_tokens: RemovedTokensTable;
}
