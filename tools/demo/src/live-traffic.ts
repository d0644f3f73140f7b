import { Simulation, type EmittedRecord } from '@shoplens/simulator';

/**
 * A simulated record as if it happened now: its event_time moves by as much as its
 * emission time is moved to `nowMs`, so an event the simulator made late stays late.
 * Invalid records keep their bytes (they are what the quarantine and counters are for).
 */
export function retime(record: EmittedRecord, nowMs: number): string {
  if (record.kind === 'invalid') return record.value;
  let event: unknown;
  try {
    event = JSON.parse(record.value);
  } catch {
    return record.value;
  }
  if (typeof event !== 'object' || event === null) return record.value;
  const fields = event as Record<string, unknown>;
  const eventTimeMs =
    typeof fields['event_time'] === 'string' ? Date.parse(fields['event_time']) : NaN;
  if (Number.isNaN(eventTimeMs)) return record.value;
  fields['event_time'] = new Date(eventTimeMs + (nowMs - record.emittedAtMs)).toISOString();
  return JSON.stringify(fields);
}

export interface LiveTrafficOptions {
  readonly seed: number;
  readonly timeZone: string;
  /** The pace the records are sent at: a simulated day holds a day of them. */
  readonly recordsPerSecond: number;
  /** Returning shoppers of the live shop. */
  readonly users?: number;
}

/**
 * Records a fresh simulation makes and drops before the first is sent: it starts with no
 * session open, so until its sessions are under way it shows page views and no orders.
 * The live shop is one that was already open.
 */
const WARM_UP_RECORDS = 30_000;
/** The fewest records a simulated day holds, so that a slow pace still has whole sessions. */
const MIN_RECORDS_PER_DAY = 10_000;

/**
 * The shop going on: an endless seeded simulation, a little of every fault included, whose
 * records are re-timed to the moment they are sent. Each simulated day holds a day of
 * records at the pace they are sent, so sessions last as long as real ones.
 */
export class LiveTraffic {
  private simulation: Simulation | undefined;
  private round = 0;

  constructor(private readonly options: LiveTrafficOptions) {}

  /** The next record, made to happen at `nowMs`. */
  next(nowMs: number): EmittedRecord {
    for (;;) {
      this.simulation ??= this.start(nowMs);
      const record = this.simulation.next();
      if (record !== undefined)
        return { ...record, value: retime(record, nowMs), emittedAtMs: nowMs };
      this.simulation = undefined;
    }
  }

  private start(nowMs: number): Simulation {
    const perDay = Math.max(
      MIN_RECORDS_PER_DAY,
      Math.round(this.options.recordsPerSecond * 86_400),
    );
    const warmUp = Math.min(WARM_UP_RECORDS, Math.floor(perDay / 10));
    const simulation = new Simulation({
      seed: (this.options.seed + 1_000 + this.round++) >>> 0,
      events: perDay + warmUp,
      days: 1,
      startMs: nowMs,
      timeZone: this.options.timeZone,
      users: this.options.users ?? 2_000,
      faults: {
        duplicateRate: 0.01,
        doublePurchaseRate: 0.05,
        outOfOrderRate: 0.02,
        invalidRate: 0.002,
      },
    });
    for (let i = 0; i < warmUp; i++) simulation.next();
    return simulation;
  }
}
