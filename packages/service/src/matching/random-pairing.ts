/**
 * The random-mode pairing rule. Two waiting visitors are paired in arrival order, never with themselves (the
 * same connection, or the same visitor id in another tab), never when one reported the other, and not straight
 * back with the partner they just left while anyone else could be paired instead. Two who just left each other
 * and have nobody else are paired again only after a short pause, so "next" with nobody else around does not
 * bounce them straight back together.
 *
 * Cost: after every pairing, no two free visitors may be paired, so a new pair must involve someone who became
 * free since (the queue's fresh entries). Each fresh visitor's search walks the free groups in order and
 * skips a group it may not meet (its own tabs, a visitor it reported) in one step, so it costs O(log n) plus
 * the few partners it reported; a search that finds nobody is not run again until something changes.
 */
import { idsOf, type Line, type Member } from './lines.js';
import type { MatchQueue } from './match-queue.js';
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
  const queue = line.waiting;
  const fresh = queue.freshEntries();
  if (fresh.length === 0) return null;
  const allowed = (a: Member, b: Member) => !rules.reported.blocks(idsOf(a), idsOf(b));
  const first = bestPair(queue, fresh, rules, (a, b) => allowed(a, b) && !justLeft(a, b));
  if (first) return { pair: first };
  let retryInMs = Infinity;
  const waiting = new Set<Member>();
  const again = bestPair(queue, fresh, rules, (a, b) => {
    if (!allowed(a, b)) return false;
    const wait = pauseLeft(a, b, rules);
    if (wait > 0) {
      retryInMs = Math.min(retryInMs, wait);
      waiting.add(a).add(b);
    }
    return wait <= 0;
  });
  if (again) return { pair: again };
  // Nobody for them now: their searches need not run again, except for those a pause holds back.
  for (const member of fresh) if (!waiting.has(member)) queue.settle(member.peerId);
  return Number.isFinite(retryInMs) ? { retryInMs } : null;
}

/** Of every fresh entry's earliest partner, the pair that comes first in line (by its earlier, then later one). */
function bestPair(
  queue: MatchQueue<Member>,
  fresh: Member[],
  rules: PairingRules,
  compatible: (a: Member, b: Member) => boolean,
): [Member, Member] | undefined {
  let best: { pair: [Member, Member]; first: number; second: number } | undefined;
  for (const member of fresh) {
    const partner = earliestPartner(queue, member, rules, compatible);
    if (!partner) continue;
    const [m, p] = [queue.orderOf(member.peerId)!, queue.orderOf(partner.peerId)!];
    const [first, second] = m < p ? [m, p] : [p, m];
    if (!best || first < best.first || (first === best.first && second < best.second)) {
      best = { pair: m < p ? [member, partner] : [partner, member], first, second };
    }
  }
  return best?.pair;
}

/** The earliest free entry `member` may be paired with: other groups in order, each walked only past those it may not meet. */
function earliestPartner(
  queue: MatchQueue<Member>,
  member: Member,
  rules: PairingRules,
  compatible: (a: Member, b: Member) => boolean,
): Member | undefined {
  const own = queue.groupOf(member);
  const ids = idsOf(member);
  let best: Member | undefined;
  let bestSeq = Infinity;
  for (const [headSeq, group] of queue.freeGroups()) {
    if (headSeq > bestSeq) break;
    if (group.key === own) continue;
    // A visitor it reported (or that reported it) is skipped with all its tabs.
    if (group.key.startsWith('v:') && rules.reported.blocksVisitor(ids, group.key.slice(2))) continue;
    for (const [seq, other] of group.entries()) {
      if (seq > bestSeq) break;
      if (compatible(member, other)) {
        best = other;
        bestSeq = seq;
        break;
      }
    }
  }
  return best;
}

function justLeft(a: Member, b: Member): boolean {
  return a.lastPartner?.ids.peerId === b.peerId || b.lastPartner?.ids.peerId === a.peerId;
}

/** Milliseconds until two who just left each other may meet again (0 or less: now; both not recent: 0). */
function pauseLeft(a: Member, b: Member, rules: PairingRules): number {
  const endedAt = Math.max(
    a.lastPartner?.ids.peerId === b.peerId ? a.lastPartner.at : -Infinity,
    b.lastPartner?.ids.peerId === a.peerId ? b.lastPartner.at : -Infinity,
  );
  return endedAt === -Infinity ? 0 : endedAt + rules.rematchAfterMs - rules.now;
}
