import type { Migration } from 'kysely';
import * as kpiTables from './2026-03-01T00-00-00-kpi-tables.js';
import * as pipelineRuns from './2026-03-01T00-10-00-pipeline-runs.js';
import * as rtKpiMinute from './2026-03-01T00-20-00-rt-kpi-minute.js';
import * as rtStreamer from './2026-03-09T00-00-00-rt-streamer.js';
import * as productSalesCategoryKey from './2026-03-20T00-00-00-product-sales-category-key.js';
import * as pipelineRunsErrorCode from './2026-03-20T00-10-00-pipeline-runs-error-code.js';
import * as rtPartitionState from './2026-04-01T00-00-00-rt-partition-state.js';
import * as biReader from './2026-04-10T00-00-00-bi-reader.js';
import * as productName from './2026-04-20T00-00-00-product-name.js';

/**
 * Every migration, by name; names sort in the order they run. Listed in code rather
 * than read from a folder so that bundled apps carry them.
 */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '2026-03-01T00-00-00-kpi-tables': kpiTables,
  '2026-03-01T00-10-00-pipeline-runs': pipelineRuns,
  '2026-03-01T00-20-00-rt-kpi-minute': rtKpiMinute,
  '2026-03-09T00-00-00-rt-streamer': rtStreamer,
  '2026-03-20T00-00-00-product-sales-category-key': productSalesCategoryKey,
  '2026-03-20T00-10-00-pipeline-runs-error-code': pipelineRunsErrorCode,
  '2026-04-01T00-00-00-rt-partition-state': rtPartitionState,
  '2026-04-10T00-00-00-bi-reader': biReader,
  '2026-04-20T00-00-00-product-name': productName,
});
