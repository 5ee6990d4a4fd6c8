/**
 * The waiting connections of one queue, in the order they are served, and an index of those free to be
 * matched now. Plain data: the coordinator decides who is eligible and who goes with whom; this keeps the
 * order and finds entries in it without scanning.
 *
 * Every operation costs O(log n) at any length: the order is a ranked list (so a place is a rank), and the
 * free entries are kept in groups (the tabs of one visitor are one group) whose first entries are ranked
 * too, so a search for someone's partner skips a whole group it may not meet in one step.
 */
import { RankedList } from './ranked-list.js';

/** Anything that waits in a queue: one connection, known by its peer id. */
export interface QueueEntry {
  readonly peerId: string;
}

/** What the index needs to know of an entry; by default every entry is free and is its own group. */
export interface QueueIndexRules<E> {
  /** Whether the entry may be matched now (it waits, and its connection is up). */
  free(entry: E): boolean;
  /** Entries of one group never meet each other (two tabs of one visitor). */
  group(entry: E): string;
}

/** The free entries of one group, in order. */
export interface FreeGroup<E> {
  key: string;
  entries(): Iterable<[number, E]>;
}

export class MatchQueue<E extends QueueEntry> {
  private readonly order = new RankedList<E>();
  private readonly places = new Map<string, { entry: E; seq: number }>();
  /** Numbers of the next entry at the front (counting down) and at the back (counting up). */
  private frontSeq = 0;
  private backSeq = 0;
  private readonly groups = new Map<string, RankedList<E>>();
  /** Each group with free entries, by the number of its first one. */
  private readonly heads = new RankedList<string>();
  /** The free entries and the group they are indexed in. */
  private readonly indexed = new Map<string, string>();
  /** Entries that became free since the last `settle`: the only ones a new pair can involve. */
  private readonly fresh = new Set<string>();

  constructor(private readonly rules: QueueIndexRules<E> = { free: () => true, group: (entry) => entry.peerId }) {}

  /** Adds an entry at the back, or at the front for one that was already served once and came back. */
  add(entry: E, { front = false }: { front?: boolean } = {}): void {
    if (this.has(entry.peerId)) throw new Error(`${entry.peerId} is already queued`);
    const seq = front ? --this.frontSeq : this.backSeq++;
    this.places.set(entry.peerId, { entry, seq });
    this.order.insert(seq, entry);
    this.refresh(entry.peerId);
  }

  remove(peerId: string): E | undefined {
    const place = this.places.get(peerId);
    if (!place) return undefined;
    this.unindex(peerId, place.seq);
    this.places.delete(peerId);
    this.order.remove(place.seq);
    return place.entry;
  }

  get(peerId: string): E | undefined {
    return this.places.get(peerId)?.entry;
  }

  has(peerId: string): boolean {
    return this.places.has(peerId);
  }

  /** 1 for the entry served next; 0 when not queued. */
  positionOf(peerId: string): number {
    const place = this.places.get(peerId);
    return place ? this.order.rank(place.seq) + 1 : 0;
  }

  /** A number that orders entries as the queue does (lower is served first); undefined when not queued. */
  orderOf(peerId: string): number | undefined {
    return this.places.get(peerId)?.seq;
  }

  get size(): number {
    return this.places.size;
  }

  /** Every entry, in order. O(n): for inspection, and for walks that are themselves rationed. */
  all(): E[] {
    return Array.from(this.order.entries(), ([, entry]) => entry);
  }

  /** The first `count` entries, in order. */
  firstEntries(count: number): E[] {
    const out: E[] = [];
    for (const [, entry] of this.order.entries()) {
      if (out.length >= count) break;
      out.push(entry);
    }
    return out;
  }

  /** The first free entry. */
  firstFree(): E | undefined {
    const head = this.heads.first();
    return head ? this.groups.get(head[1])?.first()?.[1] : undefined;
  }

  /**
   * Re-reads whether an entry is free (after its state changed: suspended, resumed, matched). One that
   * becomes free is remembered as fresh.
   */
  refresh(peerId: string): void {
    const place = this.places.get(peerId);
    if (!place) return;
    const free = this.rules.free(place.entry);
    if (free === this.indexed.has(peerId)) return;
    if (!free) return this.unindex(peerId, place.seq);
    const key = this.rules.group(place.entry);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new RankedList<E>()));
    const before = group.first()?.[0];
    group.insert(place.seq, place.entry);
    if (before === undefined || place.seq < before) {
      if (before !== undefined) this.heads.remove(before);
      this.heads.insert(place.seq, key);
    }
    this.indexed.set(peerId, key);
    this.fresh.add(peerId);
  }

  /** Marks a free entry fresh again, so the next search looks for its partner anew (a pause ran out). */
  touch(peerId: string): void {
    if (this.indexed.has(peerId)) this.fresh.add(peerId);
  }

  /** The fresh entries that are still free, in order. */
  freshEntries(): E[] {
    const out: Array<{ entry: E; seq: number }> = [];
    for (const peerId of this.fresh) {
      const place = this.places.get(peerId);
      if (place && this.indexed.has(peerId)) out.push(place);
      else this.fresh.delete(peerId);
    }
    return out.sort((a, b) => a.seq - b.seq).map((p) => p.entry);
  }

  /** Forgets that `peerId` is fresh: a search found nobody for it, and need not run again until something changes. */
  settle(peerId: string): void {
    this.fresh.delete(peerId);
  }

  /** The groups with free entries, in the order of their first entry; each walks its own entries in order. */
  *freeGroups(): Generator<[number, FreeGroup<E>]> {
    for (const [seq, key] of this.heads.entries()) {
      const group = this.groups.get(key)!;
      yield [seq, { key, entries: () => group.entries() }];
    }
  }

  /** The group `entry` would be indexed in. */
  groupOf(entry: E): string {
    return this.rules.group(entry);
  }

  private unindex(peerId: string, seq: number): void {
    const key = this.indexed.get(peerId);
    this.fresh.delete(peerId);
    if (key === undefined) return;
    this.indexed.delete(peerId);
    const group = this.groups.get(key)!;
    const before = group.first()![0];
    group.remove(seq);
    if (before !== seq) return;
    this.heads.remove(seq);
    const next = group.first();
    if (next) this.heads.insert(next[0], key);
    else this.groups.delete(key);
  }
}
