import type { BucketWriter } from './bucket-files.js';
import { recordUserSession } from './event-record.js';
import { bytesHash, KeyCounts } from './key-counts.js';
import { SESSION_COUNTS, writeSessionCounts, writeUserCount } from './keyed-record.js';

/** Keys a tally holds before it writes its counts out: a few megabytes a table. */
export const TALLY_KEYS = 1 << 17;

/**
 * Counts of event copies per user and per session (and per funnel step of a session),
 * summed in memory over a stretch of records and written to the keyed spill bucket of
 * each key (keyed-record.ts): one record per key and stretch instead of one per event.
 */
export class CopyTally {
  readonly #users = new KeyCounts(1, 4096);
  readonly #sessions = new KeyCounts(SESSION_COUNTS, 4096);
  readonly #span = new Int32Array(4);
  readonly #writer: BucketWriter;
  readonly #buckets: number;
  readonly #limit: number;

  constructor(writer: BucketWriter, buckets: number, limit = TALLY_KEYS) {
    this.#writer = writer;
    this.#buckets = buckets;
    this.#limit = limit;
  }

  /**
   * Adds `delta` copies of the event whose spill record starts at `buf[at]`: to its user,
   * its session, and the session's funnel step `step` (a FUNNEL_STEP bit, or 0).
   */
  add(buf: Buffer, at: number, step: number, delta: number): void {
    const span = this.#span;
    recordUserSession(buf, at, span);
    this.addKeys(buf, span[0]!, span[1]!, span[2]!, span[3]!, step, delta);
  }

  /**
   * Adds `delta` copies of an event whose user_id is `src[userStart, userEnd)` and whose
   * session_id is `src[sessionStart, sessionEnd)` (UTF-8), as {@link add}.
   */
  addKeys(
    src: Uint8Array,
    userStart: number,
    userEnd: number,
    sessionStart: number,
    sessionEnd: number,
    step: number,
    delta: number,
  ): void {
    const users = this.#users;
    const u = users.entry(src, userStart, userEnd, bytesHash(src, userStart, userEnd));
    users.counts[u]! += delta;
    const sessions = this.#sessions;
    const s = sessions.entry(
      src,
      sessionStart,
      sessionEnd,
      bytesHash(src, sessionStart, sessionEnd),
    );
    const counts = sessions.counts;
    const o = s * SESSION_COUNTS;
    counts[o]! += delta;
    if (step !== 0) counts[o + 32 - Math.clz32(step)]! += delta;
    if (users.size >= this.#limit || sessions.size >= this.#limit) this.flush();
  }

  /** Writes every count out to the spill and empties the tally. */
  flush(): void {
    const writer = this.#writer;
    const users = this.#users;
    const ukeys = users.keyBytes();
    for (let e = 0; e < users.size; e++) {
      const b = (users.hashOf(e) >>> 0) % this.#buckets;
      writeUserCount(writer.target(b), ukeys, users.keyStart(e), users.keyEnd(e), users.counts[e]!);
      writer.written(b);
    }
    users.clear();
    const sessions = this.#sessions;
    const skeys = sessions.keyBytes();
    for (let e = 0; e < sessions.size; e++) {
      const b = (sessions.hashOf(e) >>> 0) % this.#buckets;
      const out = writer.target(b);
      writeSessionCounts(
        out,
        skeys,
        sessions.keyStart(e),
        sessions.keyEnd(e),
        sessions.counts,
        e * SESSION_COUNTS,
      );
      writer.written(b);
    }
    sessions.clear();
  }
}
