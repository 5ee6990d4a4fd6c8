/**
 * Finding 7 of the abuse review: what one visitor writes must not break the service or mislead another.
 * Deeply nested room metadata is refused at the schema (it answered 500 from a stack overflow); names and
 * messages reach others without bidi overrides or invisible characters, names NFKC-normalised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_ROOM_METADATA_DEPTH,
  MAX_ROOM_METADATA_KEYS,
  type ChatMessage,
  type JoinResult,
  type PeerInfo,
  type QueueSnapshot,
  type SupportTicket,
} from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect, next } from './helpers/service.js';
import { agent, enter, visitor } from './helpers/matching.js';

describe('deep JSON in room metadata', () => {
  it('metadata nested 5,000 deep is refused with invalid_payload, not a 500', async (t) => {
    const service = await buildService(t, { listen: false });
    let deep = '1';
    for (let i = 0; i < 5000; i++) deep = `{"a":${deep}}`;
    const headers = { ...(await partnerAuth(service)), 'content-type': 'application/json' };
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers,
      payload: `{"privacy":"public","metadata":${deep}}`,
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, 'invalid_payload');
    assert.match(res.json().message, new RegExp(`at most ${MAX_ROOM_METADATA_DEPTH} deep`));
  });

  it('metadata at the depth bound is kept; one level more, or too many keys, is refused', async (t) => {
    const service = await buildService(t, { listen: false });
    const headers = await partnerAuth(service);
    const nested = (depth: number): Record<string, unknown> => {
      let value: Record<string, unknown> = { leaf: [1] };
      for (let i = 2; i < depth; i++) value = { a: value };
      return value; // `depth` levels: the outer objects, then the array
    };
    const post = (metadata: unknown) =>
      service.app.inject({ method: 'POST', url: '/v1/rooms', headers, payload: { privacy: 'public', metadata } });
    const ok = await post(nested(MAX_ROOM_METADATA_DEPTH));
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual(ok.json().metadata, nested(MAX_ROOM_METADATA_DEPTH));
    assert.equal((await post(nested(MAX_ROOM_METADATA_DEPTH + 1))).json().code, 'invalid_payload');
    const many = Object.fromEntries(
      Array.from({ length: MAX_ROOM_METADATA_KEYS / 2 + 1 }, (_, i) => [`k${i}`, { x: 1 }]),
    );
    const refused = await post(many);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.json().message, new RegExp(`at most ${MAX_ROOM_METADATA_KEYS} keys`));
  });
});

describe('names and messages shown to others', () => {
  it('a bidi override and invisible characters are removed from a display name and a chat message', async (t) => {
    const service = await buildService(t);
    const first = await connect(t, service);
    assert.ok(
      (await command<JoinResult>(first, 'room:join', { room: 'lobby', displayName: '\u202Etnega troppus' })).ok,
    );
    const second = await connect(t, service);
    const joined = next(first, 'peer:joined');
    const reply = await command<JoinResult>(second, 'room:join', { room: 'lobby', displayName: 'Gu\u200Best\u2066' });
    assert.ok(reply.ok);
    assert.deepEqual(
      reply.peers.map((p: PeerInfo) => p.displayName),
      ['tnega troppus'],
      'the override is gone: it reads as typed',
    );
    assert.equal((await joined).displayName, 'Guest');

    const third = await connect(t, service);
    const wide = await command<JoinResult>(third, 'room:join', { room: 'lobby', displayName: 'Ｅｖｅ\u00AD' });
    assert.ok(wide.ok);
    const participants = (
      await service.app.inject({
        method: 'GET',
        url: `/v1/rooms/${await roomId(service, 'lobby')}/participants`,
        headers: await partnerAuth(service),
      })
    ).json<{ data: Array<{ displayName: string }> }>();
    assert.deepEqual(
      participants.data.map((p) => p.displayName).sort(),
      ['Eve', 'Guest', 'tnega troppus'],
      'NFKC: full-width letters are plain letters',
    );

    const message = next(second, 'chat:message');
    assert.ok((await command(first, 'chat:send', { text: 'pay \u202Egnp.exe\u202C now\u200B' })).ok);
    assert.equal(((await message) as ChatMessage).text, 'pay gnp.exe now');
    const blank = await command(first, 'chat:send', { text: '\u200B\u2067' });
    assert.equal(!blank.ok && blank.error.code, 'invalid_payload', 'nothing visible left: refused, not relayed blank');
  });

  it('a name made of invisible characters only becomes the default name', async (t) => {
    const service = await buildService(t);
    const client = await connect(t, service);
    assert.ok((await command(client, 'room:join', { room: 'lobby', displayName: '\u200B\u200E' })).ok);
    const other = await connect(t, service);
    const reply = await command<JoinResult>(other, 'room:join', { room: 'lobby' });
    assert.ok(reply.ok);
    assert.deepEqual(
      reply.peers.map((p) => p.displayName),
      ['Guest'],
    );
  });

  it('support: the name and message an agent sees, and a ticket, are cleaned the same way', async (t) => {
    const service = await buildService(t);
    const console_ = await agent(t, service, 'help');
    const customer = await visitor(t, service);
    await enter(customer, {
      mode: 'support',
      queue: 'help',
      displayName: '\u202Enimda',
      message: 'my\u200B order\u2028is late',
    });
    const snapshot = await command<QueueSnapshot>(console_.client, 'agent:status', { status: 'online' });
    assert.ok(snapshot.ok);
    assert.deepEqual(
      snapshot.customers.map((c) => [c.displayName, c.message]),
      [['nimda', 'my order\nis late']],
    );

    const writer = await visitor(t, service);
    assert.ok(
      (
        await command(writer.client, 'ticket:create', {
          queue: 'help',
          message: 'call\u2066 me',
          displayName: 'Ｂｏｂ',
          contact: 'bob@example.com\u200B',
        })
      ).ok,
    );
    const tickets = (
      await service.app.inject({ method: 'GET', url: '/v1/queues/help/tickets', headers: await partnerAuth(service) })
    ).json<{ data: SupportTicket[] }>();
    assert.deepEqual(
      tickets.data.map((x) => [x.displayName, x.message, x.contact]),
      [['Bob', 'call me', 'bob@example.com']],
    );
  });
});

async function roomId(service: Awaited<ReturnType<typeof buildService>>, name: string): Promise<string> {
  const list = (
    await service.app.inject({ method: 'GET', url: '/v1/rooms', headers: await partnerAuth(service) })
  ).json<{ data: Array<{ id: string; name: string }> }>();
  return list.data.find((r) => r.name === name)!.id;
}
