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
  /** Returning shoppers of the live shop. */
  readonly users?: number;
}

/** Records generated before a fresh simulation takes over (about four days at 3 a second). */
const RECORDS_PER_SIMULATION = 1_000_000;

/**
 * The shop going on: an endless seeded simulation, a little of every fault included, whose
 * records are re-timed to the moment they are sent.
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
    return new Simulation({
      seed: (this.options.seed + 1_000 + this.round++) >>> 0,
      events: RECORDS_PER_SIMULATION,
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
  }
}
