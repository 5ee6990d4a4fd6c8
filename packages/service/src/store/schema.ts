/** Table types of the store, shared by every dialect. Times are ISO-8601 strings in UTC. */
export interface ProjectsTable {
  id: string;
  name: string;
  created_at: string;
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
  created_at: string;
  expires_at: string | null;
  ended_at: string | null;
}

export interface IdempotencyKeysTable {
  project_id: string;
  key: string;
  /** SHA-256 of the request body it was first used with. */
  request_hash: string;
  room_id: string;
  created_at: string;
}

export interface Database {
  projects: ProjectsTable;
  project_origins: ProjectOriginsTable;
  api_keys: ApiKeysTable;
  rooms: RoomsTable;
  idempotency_keys: IdempotencyKeysTable;
}
