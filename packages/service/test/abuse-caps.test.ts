/**
 * Findings 2 and 5 of the abuse review: what visitors can fill is bounded, each bound with its own error code
 * and its own setting, and what they leave behind does not stay for ever (idle ad-hoc rooms and their history,
 * old tickets).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { JoinResult, RoomList, SupportTicket } from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect, type TestService } from './helpers/service.js';
import { outcome, visitor } from './helpers/matching.js';

const random = (queue: string) => ({ mode: 'random', queue, visitorId: 'one-visitor-id' });

/** One ticket from a fresh connection (from the same address as every test client); its outcome. */
async function ticket(t: TestContext, service: TestService, queue = 'help'): Promise<string> {
  const client = await connect(t, service);
  try {
    return await outcome(client, 'ticket:create', { queue, message: 'please call me' });
  } finally {
    client.disconnect();
  }
}

describe('waiting caps', () => {
  it('a queue, and a project, hold at most as many waiting as configured: beyond, queue_full', async (t) => {
    const service = await buildService(t, { env: { MAX_WAITING_PER_QUEUE: '2', MAX_WAITING_PER_PROJECT: '3' } });
    const codes: string[] = [];
    for (const queue of ['lobby', 'lobby', 'lobby', 'other', 'third'])
      codes.push(await outcome((await visitor(t, service)).client, 'queue:enter', random(queue)));
    assert.deepEqual(codes, ['ok', 'ok', 'queue_full', 'ok', 'queue_full']);
    const leaving = await visitor(t, service);
    assert.equal(
      await outcome(leaving.client, 'queue:enter', { mode: 'support', queue: 'help' }),
      'queue_full',
      'support counts toward the project too',
    );
  });

  it('a place freed is a place again', async (t) => {
    const service = await buildService(t, { env: { MAX_WAITING_PER_QUEUE: '1' } });
    const first = await visitor(t, service);
    assert.equal(await outcome(first.client, 'queue:enter', random('lobby')), 'ok');
    const second = await visitor(t, service);
    assert.equal(await outcome(second.client, 'queue:enter', random('lobby')), 'queue_full');
    assert.equal(await outcome(first.client, 'queue:leave', {}), 'ok');
    assert.equal(await outcome(second.client, 'queue:enter', random('lobby')), 'ok');
  });
});

describe('ticket caps', () => {
  it('one address leaves at most MAX_TICKETS_PER_ADDRESS_PER_HOUR tickets, across connections', async (t) => {
    const service = await buildService(t, { env: { MAX_TICKETS_PER_ADDRESS_PER_HOUR: '2' } });
    assert.deepEqual(
      [await ticket(t, service), await ticket(t, service), await ticket(t, service)],
      ['ok', 'ok', 'ticket_limit'],
    );
  });

  it('a queue holds at most MAX_TICKETS_PER_QUEUE tickets; another queue still takes them', async (t) => {
    const service = await buildService(t, {
      env: { MAX_TICKETS_PER_QUEUE: '1', MAX_TICKETS_PER_ADDRESS_PER_HOUR: '0' },
    });
    assert.deepEqual(
      [await ticket(t, service), await ticket(t, service), await ticket(t, service, 'billing')],
      ['ok', 'ticket_limit', 'ok'],
    );
  });

  it('tickets are deleted once TICKET_RETENTION_DAYS old', async (t) => {
    const service = await buildService(t, { env: { TICKET_RETENTION_DAYS: '30' } });
    assert.equal(await ticket(t, service), 'ok');
    const auth = await partnerAuth(service);
    const list = async () =>
      (await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets', headers: auth })).json<{
        data: SupportTicket[];
      }>().data.length;
    const day = 86_400_000;
    assert.equal((await service.app.pruneIdle(new Date(Date.now() + 29 * day))).tickets, 0);
    assert.equal(await list(), 1);
    assert.equal((await service.app.pruneIdle(new Date(Date.now() + 31 * day))).tickets, 1);
    assert.equal(await list(), 0);
  });
});

describe('ad-hoc room caps', () => {
  it('a project has at most MAX_AD_HOC_ROOMS_ALIVE rooms opened by name; existing ones still admit', async (t) => {
    const service = await buildService(t, { env: { MAX_AD_HOC_ROOMS_ALIVE: '2' } });
    const codes: string[] = [];
    for (const room of ['a', 'b', 'c', 'a'])
      codes.push(await outcome(await connect(t, service), 'room:join', { room }));
    assert.deepEqual(codes, ['ok', 'ok', 'room_limit', 'ok']);
    // Rooms made through REST are the partner's own: not counted, and not refused.
    const made = await service.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: await partnerAuth(service),
      payload: { name: 'rest-room', privacy: 'public' },
    });
    assert.equal(made.statusCode, 201);
    assert.equal(await outcome(await connect(t, service), 'room:join', { room: 'rest-room' }), 'ok');
  });

  it('a project opens at most MAX_AD_HOC_ROOMS_PER_HOUR rooms by name', async (t) => {
    const service = await buildService(t, { env: { MAX_AD_HOC_ROOMS_PER_HOUR: '2', MAX_AD_HOC_ROOMS_ALIVE: '0' } });
    const codes: string[] = [];
    for (const room of ['a', 'b', 'c']) codes.push(await outcome(await connect(t, service), 'room:join', { room }));
    assert.deepEqual(codes, ['ok', 'ok', 'room_limit']);
  });

  it('an ad-hoc room nobody is in for AD_HOC_ROOM_IDLE_SECONDS is deleted with its call history; one in use stays', async (t) => {
    const service = await buildService(t, { env: { AD_HOC_ROOM_IDLE_SECONDS: '60' } });
    const auth = await partnerAuth(service);
    const passer = await connect(t, service);
    assert.ok((await command<JoinResult>(passer, 'room:join', { room: 'drop-in' })).ok);
    assert.ok((await command(passer, 'room:leave', {})).ok);
    const staying = await connect(t, service);
    assert.ok((await command<JoinResult>(staying, 'room:join', { room: 'busy' })).ok);
    const rest = await service.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: auth,
      payload: { name: 'partner-room', privacy: 'public' },
    });
    const rooms = async () =>
      (await service.app.inject({ method: 'GET', url: '/v1/rooms', headers: auth })).json<RoomList>().data;
    const dropIn = (await rooms()).find((r) => r.name === 'drop-in')!;
    await service.app.callHistoryWriter.flushed();

    assert.equal(
      (await service.app.pruneIdle(new Date(Date.now() + 30_000))).adHocRooms,
      0,
      'not idle long enough yet',
    );
    assert.equal((await service.app.pruneIdle(new Date(Date.now() + 61_000))).adHocRooms, 1);
    assert.deepEqual((await rooms()).map((r) => r.name).sort(), ['busy', 'partner-room']);
    const history = await service.app.inject({ method: 'GET', url: `/v1/rooms/${dropIn.id}/sessions`, headers: auth });
    assert.equal(history.statusCode, 404, 'its history went with it');
    assert.equal(rest.statusCode, 201);
    assert.equal(
      await outcome(await connect(t, service), 'room:join', { room: 'drop-in' }),
      'ok',
      'the name opens a fresh room',
    );
  });
});
