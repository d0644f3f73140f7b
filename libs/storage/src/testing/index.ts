// Fixtures for other projects' tests.
export { createMemoryObjectStore } from '../object-store/memory-object-store.js';
