/**
 * Random mode's visitor id: opaque, kept for the site in `localStorage`, so that a pair one of them reported is
 * not matched again after a reload. The service never pairs two connections with the same id either (two tabs
 * of one browser). Without storage it lasts for the page.
 */
import { siteMemory } from './site-memory.js';

const VALID = /^[A-Za-z0-9_-]{8,64}$/;

export function visitorId(): string {
  let id = siteMemory.get('visitor-id');
  if (!id || !VALID.test(id)) {
    // getRandomValues, unlike randomUUID, works on pages not served over https too.
    id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
    siteMemory.set('visitor-id', id);
  }
  return id;
}
