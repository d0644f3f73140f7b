import { createMemoryObjectStore } from './memory-object-store.js';
import { describeObjectStoreContract } from './object-store.spec-suite.js';

// The file-system and S3 adapters run the same suite in the integration target
// (object-store.integration.spec.ts): unit tests stay free of I/O.
describeObjectStoreContract({ name: 'memory', open: async () => createMemoryObjectStore() });
