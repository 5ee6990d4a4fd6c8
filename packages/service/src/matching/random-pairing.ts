/**
 * The random-mode pairing rule. Two waiting visitors are paired in arrival order, never with themselves (the
 * same connection, or the same visitor id in another tab), never when one reported the other, and not straight
 * back with the partner they just left while anyone else could be paired instead. Two who just left each other
 * and have nobody else are paired again only after a short pause, so "next" with nobody else around does not
 * bounce them straight back together.
 */
import { idsOf, type Line, type Member } from './lines.js';
import type { ReportedPairs } from './reported-pairs.js';

export interface PairingRules {
  reported: ReportedPairs;
  now: number;
  /** The pause before two who just left each other may meet again. */
  rematchAfterMs: number;
}

export type PairingChoice = { pair: [Member, Member] } | { retryInMs: number } | null;

/** The next pair of a random line; else when a pair held back by the pause may be formed; else null. */
export function nextRandomPair(line: Line, rules: PairingRules): PairingChoice {
  const free = (member: Member) => member.state === 'waiting' && !member.suspended;
  const allowed = (a: Member, b: Member) => !sameVisitor(a, b) && !rules.reported.blocks(idsOf(a), idsOf(b));
  const fresh = line.waiting.firstPair(free, (a, b) => allowed(a, b) && !justLeft(a, b));
  if (fresh) return { pair: fresh };
  let retryInMs = Infinity;
  const again = line.waiting.firstPair(free, (a, b) => {
    if (!allowed(a, b)) return false;
    const wait = pauseLeft(a, b, rules);
    if (wait > 0) retryInMs = Math.min(retryInMs, wait);
    return wait <= 0;
  });
  if (again) return { pair: again };
  return Number.isFinite(retryInMs) ? { retryInMs } : null;
}

function sameVisitor(a: Member, b: Member): boolean {
  return a.peerId === b.peerId || (a.visitor.visitorId !== undefined && a.visitor.visitorId === b.visitor.visitorId);
}

function justLeft(a: Member, b: Member): boolean {
  return a.lastPartner?.ids.peerId === b.peerId || b.lastPartner?.ids.peerId === a.peerId;
}

/** Milliseconds until two who just left each other may meet again (0 or less: now; both not recent: 0). */
function pauseLeft(a: Member, b: Member, rules: PairingRules): number {
  const endedAt = Math.max(a.lastPartner?.ids.peerId === b.peerId ? a.lastPartner.at : -Infinity, b.lastPartner?.ids.peerId === a.peerId ? b.lastPartner.at : -Infinity);
  return endedAt === -Infinity ? 0 : endedAt + rules.rematchAfterMs - rules.now;
}
