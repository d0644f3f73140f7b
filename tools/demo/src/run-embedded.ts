import { rm } from 'node:fs/promises';
import { join } from 'node:path';
// The embedded demo runs the batch and the simulator in-process through their exported
// libraries (a type:tool may drive apps).
import { runDay } from '@shoplens/batch';
import { Simulation, type EmittedRecord } from '@shoplens/simulator';
import { createWarehouse, migrateToLatest, openLake } from '@shoplens/storage';
import type { Logger } from 'pino';
import type { DemoConfig } from './demo-config.js';
import { landRecords } from '@shoplens/storage';
import type { Progress } from './progress.js';

/** Simulate → land (as the ingestor would) → batch each day, all in this process. */
export async function runEmbedded(
  config: DemoConfig,
  deps: {
    readonly repoRoot: string;
    readonly databaseUrl: string;
    readonly dates: readonly string[];
    readonly startMs: number;
    readonly log: Logger;
    readonly progress: Progress;
  },
): Promise<void> {
  const { progress, log } = deps;
  const lakeUrl = config.lakeUrl ?? join(deps.repoRoot, '.shoplens/lake');
  if (config.lakeUrl === undefined) await rm(lakeUrl, { recursive: true, force: true });

  progress.start(
    `Simulating ${config.days} days of shop traffic (${config.events.toLocaleString('en-US')} records, seed ${config.seed}, ${deps.dates[0]} to ${deps.dates.at(-1)} ${config.tz})`,
  );
  const sim = new Simulation({
    seed: config.seed,
    events: config.events,
    days: config.days,
    startMs: deps.startMs,
    timeZone: config.tz,
    // A little of every fault, so dedup and the quarantine have work to show.
    faults: {
      duplicateRate: 0.01,
      doublePurchaseRate: 0.05,
      lateRate: 0.02,
      outOfOrderRate: 0.02,
      offsetRate: 0.1,
      invalidRate: 0.005,
    },
  });
  const records: EmittedRecord[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) {
    records.push(r);
    if (records.length % 5_000 === 0) progress.tick(records.length, config.events, 'records');
  }
  progress.tick(records.length, config.events, 'records');

  progress.start(`Landing them in the lake at ${lakeUrl}`);
  const lake = openLake({
    url: lakeUrl,
    fsync: false,
    ...(config.s3Endpoint ? { s3: { endpoint: config.s3Endpoint, forcePathStyle: true } } : {}),
  });
  try {
    const landed = await landRecords(lake.store, records, (n, total) =>
      progress.tick(n, total, 'files'),
    );
    progress.info(
      `${landed.raw.toLocaleString('en-US')} records in raw/, ${landed.quarantined.toLocaleString('en-US')} invalid ones in quarantine/, ${landed.files} files`,
    );
    records.length = 0;

    progress.start(`Running the batch for each day into PostgreSQL`);
    const db = createWarehouse(deps.databaseUrl);
    try {
      await migrateToLatest(db);
      for (const day of deps.dates) {
        const report = await runDay(
          { store: lake.store, db, log },
          { day, tz: config.tz, latenessHours: 2, allowEmpty: true },
        );
        progress.info(
          `${day}: ${report.valid.toLocaleString('en-US')} valid events, ${report.duplicate} duplicates, ${report.duplicateOrders} double orders, ${report.quarantined} quarantined (${report.seconds.toFixed(1)} s)`,
        );
      }
    } finally {
      await db.destroy();
    }
  } finally {
    await lake.close();
  }
}
