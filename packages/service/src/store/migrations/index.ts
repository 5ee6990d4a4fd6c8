import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from '../kysely.js';
import { projectsAndKeys } from './0001-projects-and-keys.js';
import { keyExpiry } from './0002-key-expiry.js';
import { rooms } from './0003-rooms.js';
import { callHistory } from './0004-call-history.js';
import { roomIcePolicy } from './0005-room-ice-policy.js';
import { partialExpiryIndex } from './0006-partial-expiry-index.js';
import { matching } from './0007-matching.js';
import { abuseBounds } from './0008-abuse-bounds.js';
import { webhooks } from './0010-webhooks.js';
import { projectBranding } from './0011-project-branding.js';
import { ticketStatus } from './0012-ticket-status.js';
import { roomLock } from './0013-room-lock.js';
import { roomKnock } from './0014-room-knock.js';
import { removedTokens } from './0015-removed-tokens.js';
import { callNetwork } from './0016-call-network.js';

/** Every migration, in order. Names sort in application order; never rename or edit a shipped one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-projects-and-keys': projectsAndKeys,
  '0002-key-expiry': keyExpiry,
  '0003-rooms': rooms,
  '0004-call-history': callHistory,
  '0005-room-ice-policy': roomIcePolicy,
  '0006-partial-expiry-index': partialExpiryIndex,
  '0007-matching': matching,
  '0008-abuse-bounds': abuseBounds,
  '0010-webhooks': webhooks,
  '0011-project-branding': projectBranding,
  '0012-ticket-status': ticketStatus,
  '0013-room-lock': roomLock,
  '0014-room-knock': roomKnock,
  '0015-removed-tokens': removedTokens,
  '0016-call-network': callNetwork,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Kysely's error is `unknown`: say whatever it was
    throw new Error(`Store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
