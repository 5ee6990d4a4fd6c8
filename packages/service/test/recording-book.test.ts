/**
 * The recording book's contract, run against each implementation: this node's (`LocalRecordingBook`) and
 * Redis's (TEST_REDIS_URL; skipped without it, a failure under CI=true). Each step is driven as the service
 * drives it: seats are taken before `joined` and freed before `left`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { RECORDING_REQUEST_EXPIRY_MS } from '@vcw/shared';
import { defineRecordingScripts, redisRecordingBook } from '../src/bus/redis-recording-book.js';
import { Retries } from '../src/bus/retries.js';
import { LocalRecordingBook, type RecordingBook, type RecordingChange } from '../src/rooms/recording-book.js';
import { RoomRegistry } from '../src/rooms/room-registry.js';
import { deleteKeys, describeWithRedis, REDIS_URL } from './helpers/redis-nodes.js';

/** A book, and the seats it reads, for one test. */
interface Opened {
  book: RecordingBook;
  seat(roomKey: string, peerId: string): Promise<void>;
  unseat(roomKey: string, peerId: string): Promise<void>;
  /** Makes the room's request as old as the expiry. */
  age(t: TestContext, roomKey: string): Promise<void>;
}

const by = (peerId: string) => ({ peerId, displayName: peerId.toUpperCase() });

/** The change, which must not be refused. */
function done<T extends object>(change: RecordingChange<T>): T {
  assert.equal(change.refused, undefined, `refused: ${JSON.stringify(change)}`);
  return change as T;
}

function describeRecordingBook(name: string, open: (t: TestContext) => Promise<Opened>): void {
  /** A room with `peers` seated in that order. */
  async function room(t: TestContext, ...peers: string[]) {
    const opened = await open(t);
    const roomKey = `project/room-${randomBytes(4).toString('hex')}`;
    for (const peerId of peers) await opened.seat(roomKey, peerId);
    return { ...opened, roomKey };
  }

  describe(`recording book: ${name}`, () => {
    it('a request asks everyone seated but the requester, in order of arrival; a second one is busy', async (t) => {
      const { book, roomKey } = await room(t, 'ada', 'grace', 'linus');
      assert.deepEqual(done(await book.request(roomKey, by('grace'), 'rec_one')), { asked: ['ada', 'linus'] });
      assert.deepEqual(await book.request(roomKey, by('ada'), 'rec_two'), { refused: 'recording_busy' });
      const { recording } = done(await book.current(roomKey));
      assert.deepEqual(recording && { ...recording, requestedAt: typeof recording.requestedAt }, {
        requestId: 'rec_one',
        by: by('grace'),
        requestedAt: 'number',
        asked: { ada: false, linus: false },
      });
    });

    it('starts once everyone asked accepted, only by the requester and for its request; stops only by the recorder', async (t) => {
      const { book, roomKey } = await room(t, 'ada', 'grace', 'linus');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      assert.deepEqual(await book.answer(roomKey, 'ada', 'rec_one', true), { refused: 'recording_not_found' });
      assert.deepEqual(await book.answer(roomKey, 'grace', 'rec_other', true), { refused: 'recording_not_found' });
      assert.deepEqual(done(await book.answer(roomKey, 'grace', 'rec_one', true)), { outcome: 'accepted' });
      assert.deepEqual(await book.start(roomKey, 'ada', 'rec_one'), { refused: 'recording_not_consented' });
      assert.deepEqual(done(await book.answer(roomKey, 'linus', 'rec_one', true)), { outcome: 'accepted' });
      assert.deepEqual(await book.start(roomKey, 'grace', 'rec_one'), { refused: 'recording_not_found' });
      assert.deepEqual(await book.start(roomKey, 'ada', 'rec_other'), { refused: 'recording_not_found' });
      const { recording } = done(await book.start(roomKey, 'ada', 'rec_one'));
      assert.equal(typeof recording.since, 'number');
      assert.deepEqual(await book.start(roomKey, 'ada', 'rec_one'), { refused: 'recording_not_found' });
      assert.deepEqual(await book.cancel(roomKey, 'ada', 'rec_one'), { refused: 'recording_not_found' });
      assert.deepEqual(await book.stop(roomKey, 'grace'), { refused: 'recording_not_found' });
      assert.deepEqual(done(await book.stop(roomKey, 'ada')).recording.since, recording.since);
      assert.deepEqual(await book.stop(roomKey, 'ada'), { refused: 'recording_not_found' });
      assert.deepEqual(done(await book.current(roomKey)), { recording: null });
    });

    it('a no ends a request, but leaves a running recording going without them until a yes', async (t) => {
      const { book, roomKey } = await room(t, 'ada', 'grace');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      assert.deepEqual(done(await book.answer(roomKey, 'grace', 'rec_one', false)), { outcome: 'declined' });
      assert.deepEqual(done(await book.current(roomKey)), { recording: null });

      done(await book.request(roomKey, by('ada'), 'rec_two'));
      done(await book.answer(roomKey, 'grace', 'rec_two', true));
      done(await book.start(roomKey, 'ada', 'rec_two'));
      assert.deepEqual(done(await book.answer(roomKey, 'grace', 'rec_two', false)), { outcome: 'left-out' });
      assert.deepEqual(done(await book.current(roomKey)).recording?.asked, { grace: false });
      assert.deepEqual(done(await book.answer(roomKey, 'grace', 'rec_two', true)), { outcome: 'accepted' });
      assert.deepEqual(done(await book.current(roomKey)).recording?.asked, { grace: true });
    });

    it('only the requester withdraws, and only while it waits', async (t) => {
      const { book, roomKey } = await room(t, 'ada', 'grace');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      assert.deepEqual(await book.cancel(roomKey, 'grace', 'rec_one'), { refused: 'recording_not_found' });
      assert.deepEqual(await book.cancel(roomKey, 'ada', 'rec_other'), { refused: 'recording_not_found' });
      assert.deepEqual(done(await book.cancel(roomKey, 'ada', 'rec_one')), {});
      assert.deepEqual(done(await book.current(roomKey)), { recording: null });
    });

    it('a newcomer is asked while there is a request or a recording, but not the requester coming back', async (t) => {
      const { book, roomKey, seat } = await room(t, 'ada', 'grace');
      await seat(roomKey, 'early');
      assert.deepEqual(done(await book.joined(roomKey, 'early')), {}, 'nothing to be asked about');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      await seat(roomKey, 'late');
      done(await book.joined(roomKey, 'late'));
      done(await book.joined(roomKey, 'ada'));
      assert.deepEqual(done(await book.current(roomKey)).recording?.asked, { grace: false, early: false, late: false });
    });

    it("a requester's leave ends its request, once; an asked one's leave is no longer waited for", async (t) => {
      const { book, roomKey, unseat } = await room(t, 'ada', 'grace', 'linus');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      done(await book.answer(roomKey, 'grace', 'rec_one', true));
      await unseat(roomKey, 'linus');
      assert.deepEqual(await book.left(roomKey, 'linus'), { ended: null });
      assert.deepEqual(done(await book.current(roomKey)).recording?.asked, { grace: true });
      await unseat(roomKey, 'ada');
      assert.equal((await book.left(roomKey, 'ada')).ended?.requestId, 'rec_one');
      assert.deepEqual(done(await book.current(roomKey)), { recording: null });

      done(await book.request(roomKey, by('grace'), 'rec_two'));
      await unseat(roomKey, 'grace');
      assert.equal((await book.left(roomKey, 'grace')).ended?.requestId, 'rec_two');
      assert.deepEqual(await book.left(roomKey, 'grace'), { ended: null }, 'told once');
    });

    it('an ended room takes its recording along', async (t) => {
      const { book, roomKey } = await room(t, 'ada', 'grace');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      await book.clear(roomKey);
      assert.deepEqual(done(await book.current(roomKey)), { recording: null });
    });

    it('a request as old as the expiry is named expired by the next step, once, and is gone', async (t) => {
      const { book, roomKey, age } = await room(t, 'ada', 'grace');
      done(await book.request(roomKey, by('ada'), 'rec_one'));
      await age(t, roomKey);
      assert.deepEqual(await book.answer(roomKey, 'grace', 'rec_one', true), {
        expired: 'rec_one',
        refused: 'recording_not_found',
      });
      assert.deepEqual(done(await book.request(roomKey, by('grace'), 'rec_two')), { asked: ['ada'] }, 'told once');
      done(await book.answer(roomKey, 'ada', 'rec_two', true));
      done(await book.start(roomKey, 'grace', 'rec_two'));
      await age(t, roomKey);
      assert.equal(done(await book.current(roomKey)).recording?.requestId, 'rec_two', 'a running one never expires');
    });
  });
}

describeRecordingBook('this node', async () => {
  const rooms = new RoomRegistry();
  let frozen = false;
  return {
    book: new LocalRecordingBook(rooms, RECORDING_REQUEST_EXPIRY_MS),
    seat: async (roomKey, peerId) => {
      rooms.join(roomKey, {
        roomId: 'room',
        peerId,
        displayName: peerId,
        role: 'guest',
        socketId: peerId,
        joinedAt: 0,
      });
    },
    unseat: async (roomKey, peerId) => void rooms.leave(roomKey, peerId),
    age: async (t) => {
      if (!frozen) t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      frozen = true;
      t.mock.timers.tick(RECORDING_REQUEST_EXPIRY_MS);
    },
  };
});

describeWithRedis('recording book on Redis', () =>
  describeRecordingBook('Redis', async (t) => {
    const prefix = `vcwtest:${process.pid}:${randomBytes(4).toString('hex')}:`;
    // The book's scripts on a connection of the test's (the bus's other parts need Socket.io to stop them). The
    // seats it reads are written as the seat scripts keep them: a hash of peer id to the seat as JSON.
    const redis = new Redis(REDIS_URL);
    const retries = new Retries();
    t.after(async () => {
      retries.stop();
      await deleteKeys(prefix);
      redis.disconnect();
    });
    let arrivals = 0;
    return {
      book: redisRecordingBook(defineRecordingScripts(redis), prefix, RECORDING_REQUEST_EXPIRY_MS, () => {}, retries),
      seat: async (roomKey, peerId) => {
        arrivals++;
        const seat = {
          roomId: 'room',
          peerId,
          displayName: peerId,
          role: 'guest',
          joinedAt: arrivals,
          epoch: arrivals,
        };
        await redis.hset(`${prefix}seats:${roomKey}`, peerId, JSON.stringify(seat));
      },
      unseat: async (roomKey, peerId) => void (await redis.hdel(`${prefix}seats:${roomKey}`, peerId)),
      age: async (_t, roomKey) => {
        const key = `${prefix}recording:${roomKey}`;
        const stored = JSON.parse((await redis.get(key))!) as { requestedAt: number };
        stored.requestedAt -= RECORDING_REQUEST_EXPIRY_MS;
        await redis.set(key, JSON.stringify(stored));
      },
    };
  }),
);
