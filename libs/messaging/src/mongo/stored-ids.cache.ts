/**
 * Ids this process has seen stored by an insert-once write (inserted, or refused as already
 * there), for documents that are never removed: a writer that finds an id here may skip its
 * insert. Bounded: past `most` ids it forgets them all and learns them again, one insert each.
 * Each process owns its own; nothing in it is ever needed for correctness, only to save writes.
 */
export class StoredIdsCache {
  private readonly ids = new Set<string>();

  constructor(private readonly most: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  remember(ids: Iterable<string>): void {
    const fresh = [...ids];
    if (this.ids.size + fresh.length > this.most) this.ids.clear();
    for (const id of fresh) this.ids.add(id);
  }
}
