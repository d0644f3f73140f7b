/**
 * How many records to send now to keep a steady rate: ask with the time, send what it
 * says. A stall (a busy machine, a long pause in the event loop) is not made up in one
 * burst: at most `maxBacklogMs` worth of records is owed at a time.
 */
export class RatePacer {
  private startMs: number | undefined;
  private sent = 0;
  private readonly maxBacklog: number;

  constructor(
    readonly perSecond: number,
    maxBacklogMs = 2_000,
  ) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond))
      throw new RangeError(
        `the rate must be a positive number of records a second, got ${perSecond}`,
      );
    this.maxBacklog = Math.max(1, Math.ceil((perSecond * maxBacklogMs) / 1_000));
  }

  /** The records due at `nowMs` (epoch ms), counted as sent. The first call starts the clock. */
  take(nowMs: number): number {
    this.startMs ??= nowMs;
    let owed = Math.floor(((nowMs - this.startMs) * this.perSecond) / 1_000) - this.sent;
    if (owed > this.maxBacklog) {
      // What a stall left owed beyond the backlog is forgiven, not sent in a burst.
      this.sent += owed - this.maxBacklog;
      owed = this.maxBacklog;
    }
    if (owed <= 0) return 0;
    this.sent += owed;
    return owed;
  }
}
