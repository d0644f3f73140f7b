import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// A test helper: tests may use the other apps (see eslint.config.mjs), helpers too.
import { runDay } from '@shoplens/batch';
import { Simulation, type EmittedRecord, type SimulationTruth } from '@shoplens/simulator';
import { openLake, type Database } from '@shoplens/storage';
import { ZoneCalendar } from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { landRecords } from '@shoplens/storage';

/** Simulator → lake (as the ingestor lands it) → batch for each day into `db`; returns the truth. */
export async function seedPipeline(
  db: Kysely<Database>,
  options: {
    readonly tz: string;
    readonly firstDay: string;
    readonly days: number;
    readonly events: number;
    readonly seed: number;
  },
): Promise<SimulationTruth> {
  const sim = new Simulation({
    seed: options.seed,
    events: options.events,
    days: options.days,
    startMs: new ZoneCalendar(options.tz).dayRange(options.firstDay).startMs,
    timeZone: options.tz,
    faults: {
      duplicateRate: 0.02,
      doublePurchaseRate: 0.1,
      lateRate: 0.03,
      offsetRate: 0.2,
      invalidRate: 0.01,
    },
  });
  const records: EmittedRecord[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) records.push(r);
  const truth = sim.truth();
  const dir = await mkdtemp(join(tmpdir(), 'shoplens-api-lake-'));
  const lake = openLake({ url: dir, fsync: false });
  try {
    await landRecords(lake.store, records);
    const log = pino({ level: 'silent' });
    for (const day of truth.dates)
      await runDay(
        { store: lake.store, db, log },
        { day, tz: options.tz, latenessHours: 2, allowEmpty: true },
      );
  } finally {
    await lake.close();
    await rm(dir, { recursive: true, force: true });
  }
  return truth;
}
