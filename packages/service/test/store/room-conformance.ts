/** The room part of the store contract (RoomStore), registered inside each store's conformance suite. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { ProjectStore } from '../../src/store/project-store.js';
import { RoomStore } from '../../src/store/room-store.js';
import type { Database } from '../../src/store/schema.js';

export function describeRoomStore(freshDb: (t: TestContext) => Promise<Kysely<Database>>): void {
  async function fresh(t: TestContext) {
    const db = await freshDb(t);
    const project = await new ProjectStore(db).createProject({ name: 'Rooms', allowedOrigins: [] });
    return { rooms: new RoomStore(db), projectId: project.id };
  }

  describe('rooms', () => {
    it('creates, finds by id and by name, and keeps metadata as JSON', async (t) => {
      const { rooms, projectId } = await fresh(t);
      const { room, created } = await rooms.create(projectId, { name: 'demo', privacy: 'private', maxParticipants: 8, ttlSeconds: 600, metadata: { a: [1, { b: 'c' }] } });
      assert.equal(created, true);
      assert.equal(room.maxParticipants, 8);
      assert.deepEqual(await rooms.find(projectId, room.id), room);
      assert.deepEqual(await rooms.findByName(projectId, 'demo'), room);
      assert.equal(await rooms.find('prj_other', room.id), null);
    });

    it('replays an idempotent create, refuses the key with another body, and agrees under concurrency', async (t) => {
      const { rooms, projectId } = await fresh(t);
      const first = await rooms.create(projectId, { privacy: 'public', metadata: { x: 1, y: 2 } }, 'k1');
      const again = await rooms.create(projectId, { metadata: { y: 2, x: 1 }, privacy: 'public' }, 'k1');
      assert.equal(again.created, false);
      assert.deepEqual(again.room, first.room);
      await assert.rejects(rooms.create(projectId, { privacy: 'private' }, 'k1'), { code: 'idempotency_conflict' });
      const racing = await Promise.all(Array.from({ length: 6 }, () => rooms.create(projectId, { privacy: 'public' }, 'k2')));
      assert.equal(new Set(racing.map((r) => r.room.id)).size, 1);
      assert.equal(racing.filter((r) => r.created).length, 1);
    });

    it('makes one ad-hoc room per name, even for concurrent first joins', async (t) => {
      const { rooms, projectId } = await fresh(t);
      const made = await Promise.all(Array.from({ length: 6 }, () => rooms.ensureAdHoc(projectId, 'lobby')));
      assert.equal(new Set(made.map((r) => r.id)).size, 1);
      assert.equal(made[0]!.privacy, 'public');
      assert.equal(made[0]!.maxParticipants, 4);
    });

    it('pages exactly newest first without gaps or repeats, and ends a room once', async (t) => {
      const { rooms, projectId } = await fresh(t);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await rooms.create(projectId, { name: `r${i}`, privacy: 'public' })).room.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await rooms.list(projectId, { limit: 3, cursor });
        seen.push(...page.rooms.map((r) => r.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      // Created in a burst (several per millisecond): still exactly newest first (regression).
      assert.deepEqual(seen, [...ids].reverse());
      const ended = await rooms.end(projectId, ids[0]!);
      assert.ok(ended?.endedAt);
      assert.equal((await rooms.end(projectId, ids[0]!))?.endedAt, ended.endedAt, 'ending twice keeps the first time');
      assert.equal(await rooms.end(projectId, 'room_missing'), null);
    });
  });
}
