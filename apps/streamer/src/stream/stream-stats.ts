import type { CounterDeltas } from './window-store.js';
import { zeroDeltas } from './pending-changes.js';

/** What the stream held in memory when the stats line was taken. */
export interface StreamState {
  readonly lag: number;
  readonly openMinutes: number;
  readonly sealedBefore: number;
  readonly replaying: boolean;
}

/** Counters since start and flush timings since the last stats line. */
export class StreamStats {
  private readonly totals = zeroDeltas();
  private newestCounted = Number.NEGATIVE_INFINITY;
  private newestVisibleMs = Number.NEGATIVE_INFINITY;
  private flushes = 0;
  private flushMsTotal = 0;

  count(kind: keyof CounterDeltas): void {
    this.totals[kind]++;
  }

  /** A record was counted at this event time. */
  counted(eventTimeMs: number): void {
    if (eventTimeMs > this.newestCounted) this.newestCounted = eventTimeMs;
  }

  /** The newest event time counted so far: visible once the flush it is in has written. */
  get newestCountedMs(): number {
    return this.newestCounted;
  }

  flushed(newestCountedMs: number, durationMs: number): void {
    this.newestVisibleMs = Math.max(this.newestVisibleMs, newestCountedMs);
    this.flushes++;
    this.flushMsTotal += durationMs;
  }

  /** The fields of one stats log line; flush timings start a new window. */
  take(nowMs: number, state: StreamState): Record<string, unknown> {
    const line = {
      lag: state.lag,
      freshnessMs: Number.isFinite(this.newestVisibleMs) ? nowMs - this.newestVisibleMs : null,
      counted: this.totals.counted,
      duplicates: this.totals.duplicates,
      tooLate: this.totals.tooLate,
      invalid: this.totals.invalid,
      openMinutes: state.openMinutes,
      sealedBefore: Number.isFinite(state.sealedBefore)
        ? new Date(state.sealedBefore).toISOString()
        : null,
      flushes: this.flushes,
      meanFlushMs: this.flushes === 0 ? null : Math.round(this.flushMsTotal / this.flushes),
      replaying: state.replaying,
      rssBytes: process.memoryUsage().rss,
    };
    this.flushes = 0;
    this.flushMsTotal = 0;
    return line;
  }
}
