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
    it("stores a report with both sides and reads the project's reported pairs back, oldest first", async (t) => {
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
      await store.createReport({
        projectId,
        queue: 'lobby',
        reporter: { peerId: 'peer-c', visitorId: null },
        reported: { peerId: 'peer-a', visitorId: 'visitor-a' },
        reason: 'spam',
        note: null,
      });
      await store.createReport({
        projectId: otherId,
        queue: 'default',
        reporter: { peerId: 'x', visitorId: null },
        reported: { peerId: 'y', visitorId: null },
        reason: 'other',
        note: null,
      });
      assert.deepEqual(await store.blockedPairs(projectId), [
        { reporter: { peerId: 'peer-a', visitorId: 'visitor-a' }, reported: { peerId: 'peer-b', visitorId: null } },
        { reporter: { peerId: 'peer-c', visitorId: null }, reported: { peerId: 'peer-a', visitorId: 'visitor-a' } },
      ]);
      assert.deepEqual(await store.blockedPairs('prj_unknown'), []);
    });

    it("stores tickets and lists one queue's newest first with cursor paging, never another queue's or project's", async (t) => {
      const { store, projectId, otherId } = await fresh(t);
      t.mock.timers.enable({ apis: ['Date'], now: START });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ticket = await store.createTicket({
          projectId,
          queue: 'help',
          message: `message ${i}`,
          displayName: i === 0 ? null : `Customer ${i}`,
          contact: i === 1 ? 'c1@example.com' : null,
          peerId: `peer-${i}`,
        });
        ids.push(ticket.id);
        // Two tickets in the same millisecond still page in a stable order.
        if (i % 2 === 1) t.mock.timers.tick(1000);
      }
      await store.createTicket({
        projectId,
        queue: 'billing',
        message: 'elsewhere',
        displayName: null,
        contact: null,
        peerId: null,
      });
      await store.createTicket({
        projectId: otherId,
        queue: 'help',
        message: 'foreign',
        displayName: null,
        contact: null,
        peerId: null,
      });

      const first = await store.listTickets(projectId, 'help', { limit: 2 });
      assert.deepEqual(
        first.tickets.map((tk) => tk.id),
        [ids[4], ids[3]],
      );
      assert.ok(first.nextCursor);
      const second = await store.listTickets(projectId, 'help', { limit: 2, cursor: first.nextCursor });
      assert.deepEqual(
        second.tickets.map((tk) => tk.id),
        [ids[2], ids[1]],
      );
      const third = await store.listTickets(projectId, 'help', { limit: 2, cursor: second.nextCursor ?? undefined });
      assert.deepEqual(third, {
        tickets: [
          {
            id: ids[0],
            projectId,
            queue: 'help',
            message: 'message 0',
            displayName: null,
            contact: null,
            peerId: 'peer-0',
            createdAt: new Date(START).toISOString(),
            status: 'open',
            assignee: null,
            updatedAt: null,
          },
        ],
        nextCursor: null,
      });
      assert.equal(second.tickets[1]?.contact, 'c1@example.com');
      assert.deepEqual((await store.listTickets(otherId, 'billing', { limit: 10 })).tickets, []);
      await assert.rejects(store.listTickets(projectId, 'help', { limit: 2, cursor: 'bogus' }), {
        code: 'invalid_payload',
      });
    });

    it('closes, reopens and assigns a ticket of the right queue and project only; lists by status', async (t) => {
      const { store, projectId, otherId } = await fresh(t);
      t.mock.timers.enable({ apis: ['Date'], now: START });
      const ticket = await store.createTicket({
        projectId,
        queue: 'help',
        message: 'm',
        displayName: null,
        contact: null,
        peerId: null,
      });
      const other = await store.createTicket({
        projectId,
        queue: 'help',
        message: 'n',
        displayName: null,
        contact: null,
        peerId: null,
      });
      t.mock.timers.tick(5000);
      const closed = await store.updateTicket(projectId, 'help', ticket.id, {
        status: 'closed',
        assignee: 'grace@acme.example',
      });
      assert.deepEqual(
        [closed?.status, closed?.assignee, closed?.updatedAt],
        ['closed', 'grace@acme.example', new Date(START + 5000).toISOString()],
      );
      assert.deepEqual(
        (await store.listTickets(projectId, 'help', { limit: 10, status: 'closed' })).tickets.map((tk) => tk.id),
        [ticket.id],
      );
      assert.deepEqual(
        (await store.listTickets(projectId, 'help', { limit: 10, status: 'open' })).tickets.map((tk) => tk.id),
        [other.id],
      );
      const unassigned = await store.updateTicket(projectId, 'help', ticket.id, { assignee: null });
      assert.deepEqual([unassigned?.status, unassigned?.assignee], ['closed', null], 'only the fields given change');
      assert.equal(
        await store.updateTicket(projectId, 'billing', ticket.id, { status: 'open' }),
        null,
        'another queue',
      );
      assert.equal(await store.updateTicket(otherId, 'help', ticket.id, { status: 'open' }), null, 'another project');
      assert.equal(await store.updateTicket(projectId, 'help', 'tkt_unknown', { status: 'open' }), null);
      assert.equal(
        (await store.listTickets(projectId, 'help', { limit: 10, status: 'closed' })).tickets.length,
        1,
        'refused changes changed nothing',
      );
    });

    it('deleting a project deletes its reports and tickets', async (t) => {
      const { db, store, projectId } = await fresh(t);
      await store.createReport({
        projectId,
        queue: 'q',
        reporter: { peerId: 'a', visitorId: null },
        reported: { peerId: 'b', visitorId: null },
        reason: 'nudity',
        note: null,
      });
      await store.createTicket({
        projectId,
        queue: 'q',
        message: 'hello',
        displayName: null,
        contact: null,
        peerId: null,
      });
      await db.deleteFrom('projects').where('id', '=', projectId).execute();
      assert.deepEqual(await store.blockedPairs(projectId), []);
      assert.deepEqual((await store.listTickets(projectId, 'q', { limit: 10 })).tickets, []);
    });
  });
}
