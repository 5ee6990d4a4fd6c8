/**
 * One copy of each project and key id for all the connections that carry one. The store answers every handshake
 * with fresh strings, so 10,000 connections of one project would otherwise keep 10,000 copies of the same ids
 * in their data. Bounded: past `MAX_IDS` distinct ids the pool starts over (ids handed out stay valid; they are
 * only no longer shared with the connections that come next).
 */
const MAX_IDS = 4096;

export class SharedIds {
  private readonly ids = new Map<string, string>();

  /** The copy of `id` that connections share. */
  of(id: string): string {
    const shared = this.ids.get(id);
    if (shared !== undefined) return shared;
    if (this.ids.size >= MAX_IDS) this.ids.clear();
    this.ids.set(id, id);
    return id;
  }
}
