import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { JoinResult } from '@vcw/shared';
import { buildService, command, connect, next } from './helpers/service.js';

describe('graceful shutdown', () => {
  it('tells every connection to reconnect before closing it, and turns new ones away with shutting_down meanwhile', async (t) => {
    const service = await buildService(t, { listen: false });
    // Runs after the signaling plugin's own preClose hook (the service is draining, still listening).
    let lateArrival: unknown = null;
    service.app.addHook('preClose', async () => {
      lateArrival = await connect(t, service).then(
        () => 'accepted',
        (refusal: unknown) => refusal,
      );
    });
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    service.url = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;

    const inRoom = await connect(t, service);
    const idle = await connect(t, service);
    assert.ok((await command<JoinResult>(inRoom, 'room:join', { room: 'desk' })).ok);
    const told = [next(inRoom, 'service:draining'), next(idle, 'service:draining')];
    const closed = new Promise<string>((resolve) => inRoom.once('disconnect', resolve));

    await service.app.close();
    for (const drain of await Promise.all(told)) assert.deepEqual(drain, { reconnectWithinMs: 1000 });
    // Alone, the sessions end with the node. On the Redis bus they outlive it: each transport is closed instead,
    // for the widget to resume on another node (redis-seats.test.ts).
    assert.equal(await closed, service.app.bus.seatBook ? 'transport close' : 'io server disconnect');
    assert.deepEqual(lateArrival, {
      code: 'shutting_down',
      message: 'This service node is shutting down; connect again in a moment.',
    });
  });
});
