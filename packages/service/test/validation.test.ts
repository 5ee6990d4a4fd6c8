import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SDP_LENGTH, type JoinResult } from '@vcw/shared';
import { buildService, command, connect } from './helpers/service.js';

const BAD_PAYLOADS: Record<string, unknown[]> = {
  'room:join': [
    undefined,
    null,
    'lobby',
    42,
    [],
    {},
    { room: '' },
    { room: '../etc' },
    { room: 'x'.repeat(65) },
    { room: 'ok', displayName: '' },
    { room: 'ok', displayName: 'n'.repeat(65) },
    { room: 'ok', displayName: 7 },
    { room: 'ok', admin: true },
    { room: { $ne: null } },
    { room: 'ok', offer: { type: 'answer', sdp: 'v=0' } },
    { room: 'ok', offer: 'v=0' },
  ],
  'room:leave': [null, 'now', { reason: 'x' }, [1]],
  signal: [
    null,
    {},
    { to: 'abc' },
    { to: 'peer-id-xyz', description: { type: 'offer' } },
    { to: 'peer-id-xyz', description: { type: 'pranswer', sdp: 'v=0' } },
    { to: 'peer-id-xyz', description: { type: 'offer', sdp: 'v'.repeat(MAX_SDP_LENGTH + 1) } },
    { to: 'peer-id-xyz', candidate: { candidate: 5 } },
    { to: 'peer-id-xyz', candidate: { candidate: 'c', sdpMLineIndex: -1 } },
    { to: 'peer-id-xyz', description: { type: 'offer', sdp: 'v=0' }, candidate: { candidate: 'c' } },
    { to: 'peer-id-xyz', description: { type: 'offer', sdp: 'v=0', extra: 1 } },
  ],
};

describe('inbound payload validation', () => {
  for (const [event, payloads] of Object.entries(BAD_PAYLOADS)) {
    it(`${event}: every malformed payload gets invalid_payload and the socket keeps working`, async (t) => {
      const service = await buildService(t);
      const client = await connect(t, service);
      for (const payload of payloads) {
        const reply = await command(client, event, payload);
        assert.equal(reply.ok, false, `${JSON.stringify(payload)?.slice(0, 80)} was accepted`);
        assert.equal(!reply.ok && reply.error.code, 'invalid_payload');
        assert.match(!reply.ok ? reply.error.message : '', new RegExp(`Invalid ${event} payload`));
      }
      assert.equal(client.connected, true);
      const join = await command<JoinResult>(client, 'room:join', { room: 'after-bad-input' });
      assert.ok(join.ok, 'the same socket can still join');
    });
  }

  it('ignores a command sent without an acknowledgement callback, and stays usable', async (t) => {
    const service = await buildService(t);
    const client = await connect(t, service);
    (client as unknown as { emit(e: string, p: unknown): void }).emit('room:join', { room: 'no-ack' });
    const reply = await command<JoinResult>(client, 'room:join', { room: 'with-ack' });
    assert.ok(reply.ok);
    assert.equal(reply.room, 'with-ack');
  });

  it('drops a connection that sends a message over the size bound, without harming others', async (t) => {
    const service = await buildService(t);
    const bystander = await connect(t, service);
    const abuser = await connect(t, service);
    const closed = new Promise((resolve) => abuser.once('disconnect', resolve));
    (abuser as unknown as { emit(e: string, p: unknown): void }).emit('room:join', { room: 'x'.repeat(200_000) });
    await closed;
    const reply = await command<JoinResult>(bystander, 'room:join', { room: 'fine' });
    assert.ok(reply.ok);
  });
});
