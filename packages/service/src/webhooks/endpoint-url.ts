/**
 * Which URLs may receive webhooks: https, to a name or a public address. Plain http, and addresses on this
 * machine or a private network, only when the service itself runs on loopback (a developer's machine):
 * a deployed service must not be made to call into its own network.
 */
import { isIP } from 'node:net';
import { ServiceError } from '../errors.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The URL, normalised; `webhook_url_invalid` with the reason otherwise. */
export function checkEndpointUrl(raw: string, { serviceOnLoopback }: { serviceOnLoopback: boolean }): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ServiceError('webhook_url_invalid', 'The webhook url is not a URL.');
  }
  if (url.username || url.password)
    throw new ServiceError(
      'webhook_url_invalid',
      'The webhook url must not carry credentials; check the signature instead.',
    );
  if (url.hash) throw new ServiceError('webhook_url_invalid', 'The webhook url must not have a #fragment.');
  const local = isLocalHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!(serviceOnLoopback && isLoopbackHost(url.hostname))) {
      throw new ServiceError(
        'webhook_url_invalid',
        'The webhook url must be https://; http:// is accepted only for loopback, on a service that itself runs on loopback.',
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new ServiceError('webhook_url_invalid', 'The webhook url must be https://.');
  } else if (local && !serviceOnLoopback) {
    throw new ServiceError('webhook_url_invalid', 'The webhook url points into a loopback or private network.');
  }
  return url.toString();
}

/** Whether a URL's host is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname)) return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/** Loopback, link-local or private addresses (and names of this machine). */
function isLocalHost(hostname: string): boolean {
  if (isLoopbackHost(hostname) || hostname.endsWith('.localhost')) return true;
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) {
    const [a = 0, b = 0] = bare.split('.').map(Number);
    return (
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(bare) === 6) return /^(fc|fd|fe8|fe9|fea|feb)/i.test(bare) || bare === '::' || bare.startsWith('::ffff:');
  return false;
}
