/** Something to emit once the stream reaches `dueMs`. */
export interface Pending<T> {
  readonly dueMs: number;
  /** Tie-breaker: equal due times come out in the order they were scheduled. */
  readonly seq: number;
  readonly item: T;
}

/** A binary min-heap by (dueMs, seq): deterministic whatever the insertion pattern. */
export class PendingQueue<T> {
  private readonly heap: Pending<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(dueMs: number, item: T): void {
    const h = this.heap;
    h.push({ dueMs, seq: this.seq++, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** The first item due at or before `nowMs`, removed; undefined when none is due. */
  popDue(nowMs: number): T | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined || top.dueMs > nowMs) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.item;
  }
}

function before<T>(a: Pending<T>, b: Pending<T>): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}
