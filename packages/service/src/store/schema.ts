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
}

export interface Database {
  projects: ProjectsTable;
  project_origins: ProjectOriginsTable;
  api_keys: ApiKeysTable;
}
