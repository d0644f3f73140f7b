import { RecordBuffer } from './event-record.js';

/**
 * The second spill of a day: what the KPIs count by user, session and order, written to
 * the bucket of that key by the pass that deduplicated events, so the last pass finds
 * every copy of a key in one bucket. Little-endian: u32 length · u8 kind · payload.
 */
export const KEYED = { user: 1, session: 2, refund: 3, purchase: 4 } as const;

export class KeyedRecords {
  readonly out = new RecordBuffer();

  #start(kind: number): number {
    this.out.at = 0;
    this.out.u32(0);
    this.out.u8(kind);
    return 0;
  }

  #end(): number {
    this.out.buf.writeUInt32LE(this.out.at, 0);
    return this.out.at;
  }

  user(userId: string): number {
    this.#start(KEYED.user);
    this.out.str(userId);
    return this.#end();
  }

  session(sessionId: string, steps: number): number {
    this.#start(KEYED.session);
    this.out.u8(steps);
    this.out.str(sessionId);
    return this.#end();
  }

  refund(eventId: string, currency: string, amountCents: number): number {
    this.#start(KEYED.refund);
    this.out.f64(amountCents);
    this.out.str(eventId);
    this.out.str(currency);
    return this.#end();
  }

  /** A purchase: its event record (event-record.ts) whole. */
  purchase(record: Buffer, at: number, length: number): number {
    this.#start(KEYED.purchase);
    this.out.bytes(record, at, at + length);
    return this.#end();
  }
}

/** Header bytes before a keyed record's payload. */
export const KEYED_HEADER = 5;

export function keyedString(buf: Buffer, at: number): string {
  const n = buf.readUInt32LE(at);
  return buf.toString('utf8', at + 4, at + 4 + n);
}
