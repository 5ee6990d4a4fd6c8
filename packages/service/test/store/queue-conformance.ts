/** The matching part of the store contract (QueueStore), registered inside each store's conformance suite. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { ProjectStore } from '../../src/store/project-store.js';
import { QueueStore } from '../../src/store/queue-store.js';
import type { Database } from '../../src/store/schema.js';

const START = Date.parse('2030-01-01T00:00:00.000Z');

export function describeQueueStore(freshDb: (t: TestContext) => Promise<Kysely<Database>>): void {
  async function fresh(t: TestContext) {
    const db = await freshDb(t);
    const projects = new ProjectStore(db);
    const projectId = (await projects.createProject({ name: 'Matching', allowedOrigins: [] })).id;
    const otherId = (await projects.createProject({ name: 'Other', allowedOrigins: [] })).id;
    return { db, store: new QueueStore(db), projects, projectId, otherId };
  }

  describe('match reports and support tickets', () => {
    it('stores a report with both sides and reads the project\'s reported pairs back, oldest first', async (t) => {
      const { store, projectId, otherId } = await fresh(t);
      t.mock.timers.enable({ apis: ['Date'], now: START });
      const first = await store.createReport({
        projectId,
        queue: 'default',
        reporter: { peerId: 'peer-a', visitorId: 'visitor-a' },
        reported: { peerId: 'peer-b', visitorId: null },
        reason: 'abuse',
        note: 'shouted',
      });
      assert.match(first.id, /^rep_/);
      assert.equal(first.createdAt, new Date(START).toISOString());
      t.mock.timers.tick(1000);
      await store.createReport({ projectId, queue: 'lobby', reporter: { peerId: 'peer-c', visitorId: null }, reported: { peerId: 'peer-a', visitorId: 'visitor-a' }, reason: 'spam', note: null });
      await store.createReport({ projectId: otherId, queue: 'default', reporter: { peerId: 'x', visitorId: null }, reported: { peerId: 'y', visitorId: null }, reason: 'other', note: null });
      assert.deepEqual(await store.blockedPairs(projectId), [
        { reporter: { peerId: 'peer-a', visitorId: 'visitor-a' }, reported: { peerId: 'peer-b', visitorId: null } },
        { reporter: { peerId: 'peer-c', visitorId: null }, reported: { peerId: 'peer-a', visitorId: 'visitor-a' } },
      ]);
      assert.deepEqual(await store.blockedPairs('prj_unknown'), []);
    });

    it('stores tickets and lists one queue\'s newest first with cursor paging, never another queue\'s or project\'s', async (t) => {
      const { store, projectId, otherId } = await fresh(t);
      t.mock.timers.enable({ apis: ['Date'], now: START });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ticket = await store.createTicket({ projectId, queue: 'help', message: `message ${i}`, displayName: i === 0 ? null : `Customer ${i}`, contact: i === 1 ? 'c1@example.com' : null, peerId: `peer-${i}` });
        ids.push(ticket.id);
        // Two tickets in the same millisecond still page in a stable order.
        if (i % 2 === 1) t.mock.timers.tick(1000);
      }
      await store.createTicket({ projectId, queue: 'billing', message: 'elsewhere', displayName: null, contact: null, peerId: null });
      await store.createTicket({ projectId: otherId, queue: 'help', message: 'foreign', displayName: null, contact: null, peerId: null });

      const first = await store.listTickets(projectId, 'help', { limit: 2 });
      assert.deepEqual(first.tickets.map((tk) => tk.id), [ids[4], ids[3]]);
      assert.ok(first.nextCursor);
      const second = await store.listTickets(projectId, 'help', { limit: 2, cursor: first.nextCursor });
      assert.deepEqual(second.tickets.map((tk) => tk.id), [ids[2], ids[1]]);
      const third = await store.listTickets(projectId, 'help', { limit: 2, cursor: second.nextCursor ?? undefined });
      assert.deepEqual(third, {
        tickets: [{ id: ids[0], projectId, queue: 'help', message: 'message 0', displayName: null, contact: null, peerId: 'peer-0', createdAt: new Date(START).toISOString() }],
        nextCursor: null,
      });
      assert.equal(second.tickets[1]?.contact, 'c1@example.com');
      assert.deepEqual((await store.listTickets(otherId, 'billing', { limit: 10 })).tickets, []);
      await assert.rejects(store.listTickets(projectId, 'help', { limit: 2, cursor: 'bogus' }), { code: 'invalid_payload' });
    });

    it('deleting a project deletes its reports and tickets', async (t) => {
      const { db, store, projectId } = await fresh(t);
      await store.createReport({ projectId, queue: 'q', reporter: { peerId: 'a', visitorId: null }, reported: { peerId: 'b', visitorId: null }, reason: 'nudity', note: null });
      await store.createTicket({ projectId, queue: 'q', message: 'hello', displayName: null, contact: null, peerId: null });
      await db.deleteFrom('projects').where('id', '=', projectId).execute();
      assert.deepEqual(await store.blockedPairs(projectId), []);
      assert.deepEqual((await store.listTickets(projectId, 'q', { limit: 10 })).tickets, []);
    });
  });
}
