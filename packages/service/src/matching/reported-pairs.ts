/**
 * Pairs of one project that must never meet again because one reported the other: known by peer id (this
 * connection) and by the widget's visitor id when it sent one (the same browser after a reload).
 */

/** Who someone is, for keeping reported pairs apart. */
export interface PartyIds {
  peerId: string;
  visitorId?: string | null;
}

export class ReportedPairs {
  private readonly pairs = new Set<string>();

  /** Keeps `a` and `b` apart from now on (in either order). */
  add(a: PartyIds, b: PartyIds): void {
    for (const x of idsOf(a)) for (const y of idsOf(b)) this.pairs.add(pairKey(x, y));
  }

  /** Whether any identity of `a` reported, or was reported by, any identity of `b`. */
  blocks(a: PartyIds, b: PartyIds): boolean {
    for (const x of idsOf(a)) for (const y of idsOf(b)) if (this.pairs.has(pairKey(x, y))) return true;
    return false;
  }

  /** Whether any identity of `a` reported, or was reported by, the visitor `visitorId` (every tab of it). */
  blocksVisitor(a: PartyIds, visitorId: string): boolean {
    const visitor = `v:${visitorId}`;
    for (const x of idsOf(a)) if (this.pairs.has(pairKey(x, visitor))) return true;
    return false;
  }

  get size(): number {
    return this.pairs.size;
  }
}

function idsOf(party: PartyIds): string[] {
  return party.visitorId ? [`p:${party.peerId}`, `v:${party.visitorId}`] : [`p:${party.peerId}`];
}

function pairKey(x: string, y: string): string {
  return x < y ? `${x} ${y}` : `${y} ${x}`;
}

/**
 * The reported pairs of every project this node has served, each loaded from the store once, before its
 * first visitor is paired; reports made meanwhile are kept too.
 */
export class ReportedPairsByProject {
  private readonly projects = new Map<string, ReportedPairs>();
  private readonly loaded = new Set<string>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly load: (projectId: string) => Promise<Array<{ reporter: PartyIds; reported: PartyIds }>>,
  ) {}

  /** Loads a project's pairs, once (concurrent callers share the load; a failed one is tried again next time). */
  async prepare(projectId: string): Promise<void> {
    if (this.loaded.has(projectId)) return;
    let loading = this.loading.get(projectId);
    if (!loading) {
      loading = this.load(projectId).then(
        (pairs) => {
          const reported = this.of(projectId);
          for (const { reporter, reported: other } of pairs) reported.add(reporter, other);
          this.loaded.add(projectId);
          this.loading.delete(projectId);
        },
        (error: unknown) => {
          this.loading.delete(projectId);
          throw error;
        },
      );
      this.loading.set(projectId, loading);
    }
    await loading;
  }

  isLoaded(projectId: string): boolean {
    return this.loaded.has(projectId);
  }

  of(projectId: string): ReportedPairs {
    let pairs = this.projects.get(projectId);
    if (!pairs) {
      pairs = new ReportedPairs();
      this.projects.set(projectId, pairs);
    }
    return pairs;
  }
}
