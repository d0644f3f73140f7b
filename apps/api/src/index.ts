// The API's library surface: what the demo (tools/demo) and other hosts need to serve
// the KPIs themselves.
export { createApp, MAX_RANGE_DAYS } from './http/create-app.js';
export type { AppOptions } from './http/create-app.js';
export { startServer } from './server/start-server.js';
export type { RunningServer } from './server/start-server.js';
export { openWarehouse } from './server/open-warehouse.js';
export { addDays, calendarOf, todayIn } from './kpis/days.js';
export { logLevelFrom, reportTzFrom, LOG_LEVELS } from './config.js';
export type { LogLevel } from './config.js';
export { ApiError, API_ERROR_CODES } from './errors.js';
export type { ApiErrorCode } from './errors.js';
