export { runDay } from './run-day.js';
export type { DayReport, ParallelOptions, RunDayDeps, RunDayOptions } from './run-day.js';
export { runBatch } from './run-batch.js';
export { loadConfig, HELP } from './config.js';
export type { BatchConfig } from './config.js';
export { BatchError, BATCH_ERROR_CODES, EXIT_CODES } from './errors.js';
export type { BatchErrorCode } from './errors.js';
