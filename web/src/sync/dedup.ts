// Delivery is at least once (docs/API.md, step 5): an event may come by the socket and again
// from the inbox or history. This remembers the ids seen lately, a bounded number of them.

export class SeenEvents {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 5000) {}

  /** Records `id`; answers false when it had been seen already (drop the event). */
  firstSight(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}
