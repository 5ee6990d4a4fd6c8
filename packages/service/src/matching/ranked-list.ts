/**
 * A sorted list of numbered entries with O(log n) insert, remove and rank (an indexable skip list): what a
 * queue needs to keep its order, answer "which place is this?" and walk from the front, at any length.
 * Keys are unique numbers; `rank` counts the keys before one.
 */

const MAX_LEVEL = 24;

interface Node<V> {
  key: number;
  value: V;
  next: Array<Node<V>>;
  /** How many bottom-level steps `next[i]` is away. */
  width: number[];
}

export class RankedList<V> {
  private readonly tail: Node<V> = { key: Infinity, value: undefined as V, next: [], width: [] };
  private readonly head: Node<V> = {
    key: -Infinity,
    value: undefined as V,
    next: new Array<Node<V>>(MAX_LEVEL).fill(this.tail),
    width: new Array<number>(MAX_LEVEL).fill(1),
  };
  private count = 0;

  constructor(private readonly random: () => number = Math.random) {}

  get size(): number {
    return this.count;
  }

  /** Adds `value` under `key` (which must not be in the list yet). */
  insert(key: number, value: V): void {
    const chain = new Array<Node<V>>(MAX_LEVEL);
    const stepsAt = new Array<number>(MAX_LEVEL);
    let node = this.head;
    let steps = 0;
    for (let i = MAX_LEVEL - 1; i >= 0; i--) {
      while (node.next[i]!.key < key) {
        steps += node.width[i]!;
        node = node.next[i]!;
      }
      chain[i] = node;
      stepsAt[i] = steps;
    }
    if (node.next[0]!.key === key) throw new Error(`key ${key} is already in the list`);
    let level = 1;
    while (level < MAX_LEVEL && this.random() < 0.5) level++;
    const added: Node<V> = { key, value, next: new Array<Node<V>>(level), width: new Array<number>(level) };
    for (let i = 0; i < level; i++) {
      const prev = chain[i]!;
      added.next[i] = prev.next[i]!;
      prev.next[i] = added;
      added.width[i] = prev.width[i]! - (steps - stepsAt[i]!);
      prev.width[i] = steps - stepsAt[i]! + 1;
    }
    for (let i = level; i < MAX_LEVEL; i++) chain[i]!.width[i]!++;
    this.count++;
  }

  /** Removes `key`; whether it was there. */
  remove(key: number): boolean {
    const chain = new Array<Node<V>>(MAX_LEVEL);
    let node = this.head;
    for (let i = MAX_LEVEL - 1; i >= 0; i--) {
      while (node.next[i]!.key < key) node = node.next[i]!;
      chain[i] = node;
    }
    const target = node.next[0]!;
    if (target.key !== key) return false;
    for (let i = 0; i < MAX_LEVEL; i++) {
      const prev = chain[i]!;
      if (i < target.next.length) {
        prev.width[i]! += target.width[i]! - 1;
        prev.next[i] = target.next[i]!;
      } else {
        prev.width[i]!--;
      }
    }
    this.count--;
    return true;
  }

  /** How many keys come before `key`. */
  rank(key: number): number {
    let node = this.head;
    let steps = 0;
    for (let i = MAX_LEVEL - 1; i >= 0; i--) {
      while (node.next[i]!.key < key) {
        steps += node.width[i]!;
        node = node.next[i]!;
      }
    }
    return steps;
  }

  /** The first entry, as `[key, value]`. */
  first(): [number, V] | undefined {
    const node = this.head.next[0]!;
    return node === this.tail ? undefined : [node.key, node.value];
  }

  /** Every entry in key order, as `[key, value]`; the list must not change during the walk. */
  *entries(): Generator<[number, V]> {
    for (let node = this.head.next[0]!; node !== this.tail; node = node.next[0]!) yield [node.key, node.value];
  }
}
