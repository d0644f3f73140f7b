// Fixtures for other projects' tests.
export { createMemoryObjectStore } from '../object-store/memory-object-store.js';
export { readRealtimeTables, realtimeHandled } from './realtime-tables.js';
