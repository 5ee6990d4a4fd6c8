/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { Socket } from 'socket.io-client';
import { SignalingClient } from '../src/engine/signaling-client.js';
import { service, uniqueRoom, until } from './helpers.js';

const clients: SignalingClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.close()));

/** A connection to the test service, seated in `room`, with what its socket received and sent. */
async function seated(room: string, displayName: string) {
  const { serviceUrl, publishableKey } = await service();
  const signaling = new SignalingClient({ serverUrl: serviceUrl, credential: { apiKey: publishableKey } });
  clients.push(signaling);
  const socket = (signaling as unknown as { socket: Socket }).socket;
  const received: unknown[][] = [];
  const sent: unknown[][] = [];
  socket.onAny((...args: unknown[]) => received.push(args));
  socket.onAnyOutgoing((...args: unknown[]) => sent.push(args));
  await signaling.connect();
  const { peerId } = await signaling.join(room, displayName);
  return { signaling, peerId, received, sent };
}

const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

describe('SignalingClient: the offset it has seen', () => {
  it('tells the service, with each signal, the offset of the last event it received (what it kept for a resume can go)', async () => {
    const room = uniqueRoom();
    const ada = await seated(room, 'Ada');
    const grace = await seated(room, 'Grace');
    ada.signaling.signal({ to: grace.peerId, candidate });
    await until(() => grace.received.some(([event]) => event === 'signal'), 'the signal at Grace');
    const last = grace.received.at(-1)!;
    const offset = last.at(-1);
    expect(offset, 'events carry their offset last').to.be.a('string');

    grace.signaling.signal({ to: ada.peerId, candidate });
    const [event, payload] = grace.sent.at(-1)!;
    expect(event).to.equal('signal');
    expect(payload).to.deep.equal({ to: ada.peerId, candidate, seen: offset });
    // Relayed as any signal (the service keeps `seen` to itself).
    await until(() => ada.received.some(([e]) => e === 'signal'), 'the answer at Ada');
    const relayed = ada.received.find(([e]) => e === 'signal')![1];
    expect(relayed).to.deep.equal({ from: grace.peerId, candidate });
  });
});
