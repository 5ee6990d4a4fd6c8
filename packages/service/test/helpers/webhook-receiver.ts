/**
 * A real HTTP server on loopback that receives webhooks, as a partner's endpoint would: it records every
 * request (headers and the raw body) and answers as the test says, including never (to hold a request open).
 */
import type { TestContext } from 'node:test';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookPayload } from '@vcw/shared';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  payload: WebhookPayload;
  /** The attempt's `webhook-id`. */
  id: string;
}

/** The status to answer a request with, or `hold` to keep it open until the receiver closes. */
export type Answer = number | 'hold';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once `count` requests have arrived (or those matching `which`). */
  until(count: number, which?: (r: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Sets how the next requests are answered (default 204). */
  answerWith(answer: (request: ReceivedWebhook, index: number) => Answer): void;
  close(): Promise<void>;
}

export async function webhookReceiver(t: TestContext): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const held: ServerResponse[] = [];
  const waiters = new Set<() => void>();
  let answer: (request: ReceivedWebhook, index: number) => Answer = () => 204;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedWebhook = {
        headers: req.headers,
        body,
        payload: JSON.parse(body) as WebhookPayload,
        id: String(req.headers['webhook-id']),
      };
      received.push(request);
      const reply = answer(request, received.length - 1);
      if (reply === 'hold') held.push(res);
      else res.writeHead(reply).end();
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    for (const res of held.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(close);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    until(count, which = () => true, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const matching = received.filter(which);
          if (matching.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(matching);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `the receiver got ${received.filter(which).length} of ${count} webhooks within ${timeoutMs} ms: ${received.map((r) => r.payload.type).join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    answerWith(next) {
      answer = next;
    },
    close,
  };
}
