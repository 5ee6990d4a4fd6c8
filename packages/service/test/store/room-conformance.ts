/** The room part of the store contract (RoomStore), registered inside each store's conformance suite. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { CallHistory } from '../../src/store/call-history.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { RoomStore } from '../../src/store/room-store.js';
import type { Database } from '../../src/store/schema.js';

export function describeRoomStore(freshDb: (t: TestContext) => Promise<Kysely<Database>>): void {
  async function fresh(t: TestContext) {
    const db = await freshDb(t);
    const project = await new ProjectStore(db).createProject({ name: 'Rooms', allowedOrigins: [] });
    return { db, rooms: new RoomStore(db), projects: new ProjectStore(db), projectId: project.id };
  }

  describe('rooms', () => {
    it('creates, finds by id and by name, and keeps metadata as JSON', async (t) => {
      const { rooms, projectId } = await fresh(t);
      const { room, created } = await rooms.create(projectId, {
        name: 'demo',
        privacy: 'private',
        maxParticipants: 8,
        ttlSeconds: 600,
        metadata: { a: [1, { b: 'c' }] },
      });
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
      const racing = await Promise.all(
        Array.from({ length: 6 }, () => rooms.create(projectId, { privacy: 'public' }, 'k2')),
      );
      assert.equal(new Set(racing.map((r) => r.room.id)).size, 1);
      assert.equal(racing.filter((r) => r.created).length, 1);
    });

    it('keeps who gets in: locked and knock to enter, set at creation and changed one at a time', async (t) => {
      const { rooms, projectId } = await fresh(t);
      const { room } = await rooms.create(projectId, { name: 'porch', privacy: 'private', knock: true });
      assert.deepEqual([room.locked, room.knock], [false, true]);
      assert.deepEqual(await rooms.find(projectId, room.id), room);
      const locked = await rooms.setAccess(projectId, room.id, { locked: true });
      assert.deepEqual([locked?.locked, locked?.knock], [true, true], 'the knock setting stays');
      const open = await rooms.setAccess(projectId, room.id, { knock: false });
      assert.deepEqual([open?.locked, open?.knock], [true, false], 'the lock stays');
      assert.equal(await rooms.setAccess('prj_other', room.id, { knock: true }), null);
      assert.equal((await rooms.find(projectId, room.id))?.knock, false, 'another project changed nothing');
      assert.equal(
        (await rooms.create(projectId, { privacy: 'public' })).room.knock,
        false,
        'no knocking unless asked',
      );
      assert.equal((await rooms.ensureAdHoc(projectId, 'lobby')).knock, false);
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
      for (let i = 0; i < 7; i++)
        ids.push((await rooms.create(projectId, { name: `r${i}`, privacy: 'public' })).room.id);
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

    it('deletes only expired rooms, with their call history and idempotency keys', async (t) => {
      const { db, rooms, projectId } = await fresh(t);
      const short = (await rooms.create(projectId, { name: 'short', privacy: 'public', ttlSeconds: 60 }, 'order-1'))
        .room;
      const long = (await rooms.create(projectId, { name: 'long', privacy: 'public', ttlSeconds: 3600 })).room;
      const forever = (await rooms.create(projectId, { name: 'forever', privacy: 'public' })).room;
      const history = new CallHistory(db);
      await history.participantJoined({
        projectId,
        roomId: short.id,
        peerId: 'alice',
        displayName: 'Alice',
        role: 'guest',
        at: new Date(),
      });
      const later = new Date(Date.now() + 120_000);

      assert.deepEqual(
        (await rooms.expired(later)).map((r) => r.id),
        [short.id],
      );
      assert.equal(
        await rooms.deleteExpired([short.id, long.id, forever.id], later),
        1,
        'a room still open is never deleted',
      );
      assert.equal(await rooms.find(projectId, short.id), null);
      assert.ok(await rooms.find(projectId, long.id));
      assert.ok(await rooms.find(projectId, forever.id));
      assert.deepEqual(
        await db.selectFrom('room_sessions').select('id').execute(),
        [],
        'the history went with its room',
      );
      assert.deepEqual(await db.selectFrom('room_session_participants').select('id').execute(), []);
      const retried = await rooms.create(projectId, { name: 'short', privacy: 'public', ttlSeconds: 60 }, 'order-1');
      assert.equal(retried.created, true, 'the idempotency key no longer replays a deleted room');
      assert.equal(await rooms.deleteExpired([], later), 0);
    });

    it('forgets idempotency keys used before a time, after which the key may be used again', async (t) => {
      const { rooms, projectId } = await fresh(t);
      await rooms.create(projectId, { privacy: 'public' }, 'k1');
      assert.equal(await rooms.forgetIdempotencyKeys(new Date(Date.now() - 60_000)), 0);
      assert.equal(await rooms.forgetIdempotencyKeys(new Date(Date.now() + 60_000)), 1);
      assert.equal((await rooms.create(projectId, { privacy: 'private' }, 'k1')).created, true);
    });

    it('lets a project open ad-hoc rooms unless it was made or set otherwise', async (t) => {
      const { db, projects, projectId } = await fresh(t);
      assert.equal((await projects.findProject(projectId))?.allowAdHocRooms, true);
      const strict = await projects.createProject({ name: 'Strict', allowedOrigins: [], allowAdHocRooms: false });
      assert.equal(strict.allowAdHocRooms, false);
      assert.equal((await projects.findProject(strict.id))?.allowAdHocRooms, false);
      const { plaintext } = await projects.createApiKey(strict.id, 'publishable');
      assert.equal((await projects.authenticateKey(plaintext, 'publishable'))?.project.allowAdHocRooms, false);
      assert.equal(await projects.setAllowAdHocRooms(strict.id, true), true);
      assert.equal((await projects.findProject(strict.id))?.allowAdHocRooms, true);
      assert.equal(await projects.setAllowAdHocRooms(projectId, false), true);
      assert.equal((await projects.findProject(projectId))?.allowAdHocRooms, false);
      assert.equal(await projects.setAllowAdHocRooms('prj_unknown', false), false);
      // A project written before the setting existed (no value given) allows them, as upgraded projects do.
      await db
        .insertInto('projects')
        .values({ id: 'prj_old', name: 'Old', created_at: new Date().toISOString() })
        .execute();
      assert.equal((await projects.findProject('prj_old'))?.allowAdHocRooms, true);
    });
  });
}
