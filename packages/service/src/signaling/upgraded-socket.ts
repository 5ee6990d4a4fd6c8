/**
 * What an upgraded socket keeps of the HTTP server's idle timer. The server arms one on every connection
 * (`connectionTimeout`); the WebSocket upgrade clears it (`setTimeout(0)`), but Node's socket keeps the cleared
 * `Timeout` and its bound callback for as long as the socket lives: ~216 B for each open WebSocket.
 */
import type { Socket } from 'node:net';

/** Node's own key for a socket's timer (`kTimeout`), found on the first socket seen. */
let timerKey: symbol | null | undefined;

/** Lets go of the cleared idle timer a socket still references, once its timeout is off (0). */
export function forgetClearedTimer(socket: Socket): void {
  if (socket.timeout !== 0) return; // still armed (a long poll's HTTP connection): it stays
  timerKey ??= Object.getOwnPropertySymbols(socket).find((key) => key.description === 'timeout') ?? null;
  // Null is what Node's socket holds before a timer is ever set, so its code reads it as "none".
  if (timerKey) (socket as unknown as Record<symbol, unknown>)[timerKey] = null;
}
