/** What order dedup compares: the purchase's instant and its event_id. */
export interface PurchaseKey {
  readonly timeMs: number;
  readonly eventId: string;
}

/**
 * The purchase an order keeps when it was fired more than once: the earliest event_time,
 * then the smallest event_id. The batch and the streamer both decide through this.
 */
export function keptPurchase<P extends PurchaseKey>(purchases: Iterable<P>): P {
  let best: P | undefined;
  for (const p of purchases) {
    if (
      best === undefined ||
      p.timeMs < best.timeMs ||
      (p.timeMs === best.timeMs && p.eventId < best.eventId)
    ) {
      best = p;
    }
  }
  if (best === undefined) throw new RangeError('an order has at least one purchase');
  return best;
}
