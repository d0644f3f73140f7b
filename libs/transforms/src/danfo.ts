// Danfo.js entry point, `@shoplens/transforms/danfo`: DataFrames of the KPI tables and the
// readable reference implementation. Separate from the main entry so that code which only
// aggregates (the batch, the streamer) does not load Danfo.js and TensorFlow.js (~200 MB).
export { kpiFrames, rowsToFrame } from './kpi/kpi-frames.js';
export { referenceKpis } from './reference/reference-kpis.js';
export type { ReferenceKpis } from './reference/reference-kpis.js';
