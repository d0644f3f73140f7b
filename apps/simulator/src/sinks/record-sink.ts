import type { EmittedRecord } from '../lib/generator/simulation.js';

/** Where records go. The driver stops feeding while `accept` says there is no room. */
export interface RecordSink {
  /** Takes one record; false means "call drain() before the next one". */
  accept(record: EmittedRecord): boolean;
  /** Resolves once there is room again; rejects if the sink failed. */
  drain(): Promise<void>;
  /** Delivers everything accepted, then releases the sink. */
  close(): Promise<void>;
}
