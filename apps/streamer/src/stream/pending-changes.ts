import type { MinuteKpiRow, ZoneCalendar } from '@shoplens/transforms';
import type { CounterDeltas, DayRange } from './window-store.js';

export const zeroDeltas = (): CounterDeltas => ({
  counted: 0,
  duplicates: 0,
  tooLate: 0,
  invalid: 0,
});

/** What one flush takes to write: handed back with `restore` if the write fails. */
export interface PendingBatch {
  readonly minutes: ReadonlyMap<number, readonly MinuteKpiRow[]>;
  readonly users: ReadonlyMap<string, string[]>;
  /** The local days the minutes and users fall in, in time order. */
  readonly days: readonly DayRange[];
  readonly deltas: CounterDeltas;
}

/**
 * What changed since the last flush that wrote: the rows of changed minutes, the users
 * first seen per local day, and the counter deltas.
 */
export class PendingChanges {
  private readonly minutes = new Map<number, readonly MinuteKpiRow[]>();
  private users = new Map<string, string[]>();
  /** The users seen per local day still open, so each is written once. */
  private readonly knownUsers = new Map<string, Set<string>>();
  private deltas = zeroDeltas();

  constructor(private readonly calendar: ZoneCalendar) {}

  count(kind: keyof CounterDeltas): void {
    this.deltas[kind]++;
  }

  setMinute(minuteMs: number, rows: readonly MinuteKpiRow[]): void {
    this.minutes.set(minuteMs, rows);
  }

  seeUser(day: string, userId: string): void {
    let known = this.knownUsers.get(day);
    if (known === undefined) {
      known = new Set();
      this.knownUsers.set(day, known);
    }
    if (known.has(userId)) return;
    known.add(userId);
    let users = this.users.get(day);
    if (users === undefined) {
      users = [];
      this.users.set(day, users);
    }
    users.push(userId);
  }

  /** Days that end by `retainedFrom` take no more events: their users need not be kept. */
  forgetUsersBefore(retainedFrom: number): void {
    for (const day of this.knownUsers.keys())
      if (this.calendar.dayRange(day).endMs <= retainedFrom) this.knownUsers.delete(day);
  }

  isEmpty(): boolean {
    const d = this.deltas;
    return (
      this.minutes.size === 0 &&
      this.users.size === 0 &&
      d.counted + d.duplicates + d.tooLate + d.invalid === 0
    );
  }

  /** Hands over what is pending; users and deltas start afresh, minutes stay until `settle`. */
  take(): PendingBatch {
    const days = new Map<string, DayRange>();
    const addDay = (day: string) => {
      if (!days.has(day)) days.set(day, { day, ...this.calendar.dayRange(day) });
    };
    for (const minuteMs of this.minutes.keys()) addDay(this.calendar.dayOf(minuteMs));
    for (const day of this.users.keys()) addDay(day);
    const batch: PendingBatch = {
      minutes: new Map(this.minutes),
      users: this.users,
      days: [...days.values()].sort((a, b) => a.startMs - b.startMs),
      deltas: this.deltas,
    };
    this.users = new Map();
    this.deltas = zeroDeltas();
    return batch;
  }

  /** The batch was not written: its users and deltas are pending again. */
  restore(batch: PendingBatch): void {
    for (const [day, list] of batch.users) {
      const again = this.users.get(day);
      this.users.set(day, again ? [...list, ...again] : list);
    }
    this.deltas.counted += batch.deltas.counted;
    this.deltas.duplicates += batch.deltas.duplicates;
    this.deltas.tooLate += batch.deltas.tooLate;
    this.deltas.invalid += batch.deltas.invalid;
  }

  /** The batch was written: its minutes are done unless they changed again meanwhile. */
  settle(batch: PendingBatch): void {
    for (const [minuteMs, rows] of batch.minutes)
      if (this.minutes.get(minuteMs) === rows) this.minutes.delete(minuteMs);
  }

  clear(): void {
    this.minutes.clear();
    this.users.clear();
    this.knownUsers.clear();
    this.deltas = zeroDeltas();
  }
}
