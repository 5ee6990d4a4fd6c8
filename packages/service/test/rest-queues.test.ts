/** `/v1/queues`: statistics, agent tokens and tickets, as a partner's server calls them. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  PROTOCOL_VERSION,
  type AgentToken,
  type QueueSnapshot,
  type QueueStats,
  type SupportTicket,
  type SupportTicketList,
  type TicketCreated,
} from '@vcw/shared';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openSqlite } from '../src/store/database.js';
import { agent, enter, next, randomVisitor, visitor } from './helpers/matching.js';
import { partnerAuth } from './helpers/partner.js';
import { TestClock } from './helpers/toolkit.js';
import { buildService, command, inProcessOnly, SITE_ORIGIN, TEST_TOKEN_SECRET } from './helpers/service.js';

describe('REST /v1/queues/:name', () => {
  it(
    'reads a queue nobody used as zeros, then the support queue and random pool of that name as they stand',
    inProcessOnly(
      "it moves matching's clock by hand; on Redis the waits are timed by Redis's clock (support-nodes.test.ts reads these figures across nodes)",
    ),
    async (t) => {
      const clock = new TestClock();
      const service = await buildService(t, { matchClock: clock });
      const auth = await partnerAuth(service);
      const stats = async () => {
        const res = await service.app.inject({ method: 'GET', url: '/v1/queues/help', headers: auth });
        assert.equal(res.statusCode, 200);
        return res.json<QueueStats>();
      };
      assert.deepEqual(await stats(), {
        name: 'help',
        support: { waiting: 0, agentsOnline: 0, averageWaitSeconds: null },
        random: { waiting: 0, pairs: 0 },
      });

      const [ann, bob] = [await visitor(t, service), await visitor(t, service)];
      await enter(ann, { mode: 'support', queue: 'help' });
      await enter(bob, { mode: 'support', queue: 'help' });
      const smith = await agent(t, service, 'help');
      assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
      clock.advance(300);
      assert.ok((await command(smith.client, 'agent:take', {})).ok);
      const a = await randomVisitor(t, service, { queue: 'help' });
      const found = next(a.client, 'match:found');
      await randomVisitor(t, service, { queue: 'help' });
      await found;
      await randomVisitor(t, service, { queue: 'help' });

      const now = await stats();
      assert.deepEqual(
        now,
        {
          name: 'help',
          support: { waiting: 1, agentsOnline: 1, averageWaitSeconds: 0.3 },
          random: { waiting: 1, pairs: 1 },
        },
        'Ann waited 300 ms',
      );
    },
  );

  it('mints an agent token for a queue; the agent widget connects with it from any origin', async (t) => {
    const service = await buildService(t);
    const auth = await partnerAuth(service);
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/queues/help/agent-tokens',
      headers: auth,
      payload: { displayName: 'Agent Smith' },
    });
    assert.equal(res.statusCode, 201);
    const token = res.json<AgentToken>();
    assert.deepEqual(
      { ...token, token: '', expiresAt: '' },
      { token: '', queue: 'help', role: 'agent', displayName: 'Agent Smith', expiresAt: '' },
    );
    assert.ok(Math.abs(Date.parse(token.expiresAt) - Date.now() - 8 * 3600_000) < 5000, 'a working shift by default');
    const agentConsole = await visitor(t, service, {
      auth: { protocol: PROTOCOL_VERSION, token: token.token },
      origin: 'https://crm.partner.example',
    });
    const status = await command<QueueSnapshot>(agentConsole.client, 'agent:status', {
      status: 'online',
      queue: 'help',
    });
    assert.ok(status.ok);
    assert.deepEqual([status.queue, status.agentsOnline], ['help', 1]);
    const short = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/queues/help/agent-tokens',
        headers: auth,
        payload: { displayName: 'Temp', ttlSeconds: 60 },
      })
    ).json<AgentToken>();
    assert.ok(Math.abs(Date.parse(short.expiresAt) - Date.now() - 60_000) < 5000);

    for (const bad of [
      {},
      { displayName: '' },
      { displayName: 'x'.repeat(65) },
      { displayName: 'A', ttlSeconds: 30 },
      { displayName: 'A', ttlSeconds: 86_401 },
      { displayName: 'A', role: 'host' },
    ]) {
      const refused = await service.app.inject({
        method: 'POST',
        url: '/v1/queues/help/agent-tokens',
        headers: auth,
        payload: bad,
      });
      assert.equal(refused.statusCode, 400, JSON.stringify(bad));
      assert.equal(refused.json().code, 'invalid_payload');
    }
    assert.equal(
      (
        await service.app.inject({
          method: 'POST',
          url: '/v1/queues/..%2Fx/agent-tokens',
          headers: auth,
          payload: { displayName: 'A' },
        })
      ).statusCode,
      400,
    );
    const publishable = await service.app.inject({
      method: 'POST',
      url: '/v1/queues/help/agent-tokens',
      headers: { authorization: `Bearer ${service.publishableKey}` },
      payload: { displayName: 'A' },
    });
    assert.equal(publishable.json().code, 'api_key_invalid');
    assert.equal(
      (
        await service.app.inject({ method: 'POST', url: '/v1/queues/help/agent-tokens', payload: { displayName: 'A' } })
      ).json().code,
      'auth_missing',
    );
  });

  it("PATCH a ticket: close it, assign it, list by status; another project's ticket is not found", async (t) => {
    const service = await buildService(t, { listen: false });
    const auth = await partnerAuth(service);
    const ticket = await service.app.queueStore.createTicket({
      projectId: service.projectId,
      queue: 'help',
      message: 'Call me',
      displayName: 'Ann',
      contact: null,
      peerId: null,
    });
    const patch = (url: string, payload: object, headers = auth) =>
      service.app.inject({ method: 'PATCH', url, headers, payload });
    const closed = await patch(`/v1/queues/help/tickets/${ticket.id}`, { status: 'closed', assignee: 'grace' });
    assert.equal(closed.statusCode, 200, closed.body);
    const body = closed.json<SupportTicket>();
    assert.deepEqual([body.id, body.status, body.assignee, body.message], [ticket.id, 'closed', 'grace', 'Call me']);
    assert.ok(body.updatedAt);
    const open = (
      await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets?status=open', headers: auth })
    ).json<SupportTicketList>();
    assert.deepEqual(open.data, []);
    const all = (
      await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets', headers: auth })
    ).json<SupportTicketList>();
    assert.deepEqual(all.data, [body]);
    for (const bad of [{}, { status: 'done' }, { assignee: 'x'.repeat(129) }, { priority: 1 }])
      assert.equal(
        (await patch(`/v1/queues/help/tickets/${ticket.id}`, bad)).json().code,
        'invalid_payload',
        JSON.stringify(bad),
      );
    assert.equal(
      (await patch(`/v1/queues/billing/tickets/${ticket.id}`, { status: 'open' })).json().code,
      'ticket_not_found',
    );
    const other = await service.app.projects.createProject({ name: 'other', allowedOrigins: [] });
    const foreign = await patch(
      `/v1/queues/help/tickets/${ticket.id}`,
      { status: 'open' },
      await partnerAuth({ app: service.app, projectId: other.id }),
    );
    assert.equal(foreign.statusCode, 404);
  });

  it("lists the tickets customers left in one queue, newest first with cursor paging, only the key's project", async (t) => {
    const service = await buildService(t);
    const auth = await partnerAuth(service);
    const customer = await visitor(t, service);
    const ids: string[] = [];
    for (const message of ['first', 'second', 'third']) {
      const reply = await command<TicketCreated>(customer.client, 'ticket:create', {
        queue: 'help',
        message,
        contact: '+1 555 0100',
        displayName: 'Ann',
      });
      assert.ok(reply.ok);
      ids.push(reply.ticketId);
    }
    assert.ok((await command(customer.client, 'ticket:create', { queue: 'billing', message: 'elsewhere' })).ok);
    const page = (
      await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets?limit=2', headers: auth })
    ).json<SupportTicketList>();
    assert.deepEqual(
      page.data.map((tk) => [tk.id, tk.message, tk.contact, tk.displayName, tk.queue]),
      [
        [ids[2], 'third', '+1 555 0100', 'Ann', 'help'],
        [ids[1], 'second', '+1 555 0100', 'Ann', 'help'],
      ],
    );
    assert.ok(page.nextCursor);
    const rest = (
      await service.app.inject({
        method: 'GET',
        url: `/v1/queues/help/tickets?limit=2&cursor=${page.nextCursor}`,
        headers: auth,
      })
    ).json<SupportTicketList>();
    assert.deepEqual([rest.data.map((tk) => tk.id), rest.nextCursor], [[ids[0]], null]);
    assert.equal(
      (await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets?cursor=bogus', headers: auth }))
        .statusCode,
      400,
    );
    assert.equal(
      (await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets?limit=101', headers: auth })).statusCode,
      400,
    );

    const other = await service.app.projects.createProject({ name: 'other', allowedOrigins: [SITE_ORIGIN] });
    const { plaintext } = await service.app.projects.createApiKey(other.id, 'secret');
    const foreign = (
      await service.app.inject({
        method: 'GET',
        url: '/v1/queues/help/tickets',
        headers: { authorization: `Bearer ${plaintext}` },
      })
    ).json<SupportTicketList>();
    assert.deepEqual(foreign.data, []);
  });

  it('documents the queue routes in OpenAPI', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    assert.deepEqual(Object.keys(doc.paths['/v1/queues/{name}'] ?? {}), ['get']);
    assert.deepEqual(Object.keys(doc.paths['/v1/queues/{name}/agent-tokens'] ?? {}), ['post']);
    assert.deepEqual(Object.keys(doc.paths['/v1/queues/{name}/agent-tokens']?.post?.responses ?? {}).sort(), [
      '201',
      '400',
      '401',
      '413',
      '429',
    ]);
    assert.deepEqual(Object.keys(doc.paths['/v1/queues/{name}/tickets']?.get?.responses ?? {}).sort(), [
      '200',
      '400',
      '401',
      '429',
    ]);
  });
});

describe('what customers write stays out of the logs', () => {
  it("a ticket's message and contact, and a queue message, never reach the log, even at trace level", async (t) => {
    let logs = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    });
    const app = await build({
      config: loadConfig({ LOG_LEVEL: 'trace', PORT: '0' }),
      db: await openSqlite(':memory:'),
      logger: { level: 'trace', stream: sink },
      tokenSecret: TEST_TOKEN_SECRET,
    });
    t.after(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const project = await app.projects.createProject({ name: 'private', allowedOrigins: [SITE_ORIGIN] });
    const { plaintext } = await app.projects.createApiKey(project.id, 'publishable');
    const service = { app, url: `http://127.0.0.1:${port}`, projectId: project.id, publishableKey: plaintext };
    const customer = await visitor(t, service);
    await enter(customer, { mode: 'support', queue: 'help', message: 'my-secret-problem-4242' });
    assert.ok(
      (
        await command(customer.client, 'ticket:create', {
          queue: 'help',
          message: 'my-secret-message-4242',
          contact: 'secret-contact@example.com',
        })
      ).ok,
    );
    const auth = await partnerAuth(service);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/queues/help/tickets', headers: auth })).statusCode, 200);
    assert.match(logs, /support ticket created/);
    for (const secret of ['my-secret-problem-4242', 'my-secret-message-4242', 'secret-contact@example.com'])
      assert.ok(!logs.includes(secret), `${secret} in the logs`);
  });
});
