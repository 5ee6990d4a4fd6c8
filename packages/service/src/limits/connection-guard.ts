import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Bounds on raw TCP connections, before any HTTP: one that has not sent a byte within `silentMs` is closed
 * (Node's `headersTimeout` only starts at the first byte of a request, and the idle timeout must stay longer
 * than a long poll, so without this a connection that never speaks holds a file descriptor for 30 s); and an
 * address holding more than `perAddress` open is refused at once (0: no limit). The signaling handshake
 * answers the same cap with `rate_limited`; this only keeps a flood of bare connections from one machine from
 * exhausting the file descriptors everyone else needs.
 */
export function guardConnections(app: FastifyInstance, silentMs: number, perAddress: number): void {
  const open = new Map<string, number>();
  // One listener for every socket (called on the one that closed); its address was read, and kept, on arrival.
  function closed(this: Socket & { silence?: ReturnType<typeof setTimeout> }) {
    clearTimeout(this.silence);
    const address = this.remoteAddress ?? '';
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
  }
  app.server.on('connection', (socket: Socket & { silence?: ReturnType<typeof setTimeout> }) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (perAddress > 0 && count > perAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.silence = setTimeout(() => {
      socket.silence = undefined; // let the timer go: a long-lived connection keeps nothing of it
      if (socket.bytesRead === 0) socket.destroy();
    }, silentMs);
    socket.silence.unref();
    socket.on('close', closed);
  });
}
