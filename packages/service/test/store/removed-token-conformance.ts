/** The removed-token part of the store contract (RemovedTokenStore), registered inside each store's conformance suite. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { MAX_TOKEN_TTL_SECONDS } from '@vcw/shared';
import { ProjectStore } from '../../src/store/project-store.js';
import { RemovedTokenStore } from '../../src/store/removed-token-store.js';
import { RoomStore } from '../../src/store/room-store.js';
import type { Database } from '../../src/store/schema.js';

const START = Date.parse('2030-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(START + seconds * 1000);

export function describeRemovedTokens(freshDb: (t: TestContext) => Promise<Kysely<Database>>): void {
  async function fresh(t: TestContext) {
    const db = await freshDb(t);
    const project = await new ProjectStore(db).createProject({ name: 'Removals', allowedOrigins: [] });
    const rooms = new RoomStore(db);
    const room = async (name: string, ttlSeconds?: number) =>
      (await rooms.create(project.id, { name, privacy: 'private', ...(ttlSeconds ? { ttlSeconds } : {}) })).room;
    return { db, rooms, room, removed: new RemovedTokenStore(db), projectId: project.id };
  }

  describe('removed tokens', () => {
    it('refuses a removed token in its room only, until no token could still live', async (t) => {
      const { room, removed } = await fresh(t);
      const clinic = await room('clinic');
      const other = await room('other');
      await removed.add(clinic.id, 'jti-mallory', at(0));
      await removed.add(clinic.id, 'jti-mallory', at(10)); // removed again: one removal, lasting from now
      assert.equal(await removed.has(clinic.id, 'jti-mallory', at(1)), true);
      assert.equal(await removed.has(clinic.id, 'jti-ada', at(1)), false, 'another token of the room');
      assert.equal(await removed.has(other.id, 'jti-mallory', at(1)), false, 'the same token in another room');
      assert.equal(await removed.has(clinic.id, 'jti-mallory', at(10 + MAX_TOKEN_TTL_SECONDS - 1)), true);
      assert.equal(
        await removed.has(clinic.id, 'jti-mallory', at(10 + MAX_TOKEN_TTL_SECONDS)),
        false,
        'lapsed with the longest token life',
      );
    });

    it('drops lapsed removals when another is recorded, and a deleted room takes its removals along', async (t) => {
      const { db, rooms, room, removed, projectId } = await fresh(t);
      const clinic = await room('clinic');
      const shortLived = await room('short', 60);
      await removed.add(clinic.id, 'jti-old', at(0));
      await removed.add(shortLived.id, 'jti-gone', at(0));
      await removed.add(clinic.id, 'jti-new', at(MAX_TOKEN_TTL_SECONDS + 1));
      const left = await db.selectFrom('removed_tokens').select(['room_id', 'token_id']).orderBy('token_id').execute();
      assert.deepEqual(left, [{ room_id: clinic.id, token_id: 'jti-new' }]);

      await removed.add(shortLived.id, 'jti-gone', new Date());
      assert.equal(await rooms.deleteExpired([shortLived.id], new Date(Date.now() + 120_000)), 1);
      assert.equal(await rooms.find(projectId, shortLived.id), null);
      const after = await db
        .selectFrom('removed_tokens')
        .select('token_id')
        .where('room_id', '=', shortLived.id)
        .execute();
      assert.deepEqual(after, []);
    });
  });
}
