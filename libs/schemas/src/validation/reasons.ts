/**
 * Stable, machine-readable reasons an input is not a valid event. They are written into
 * quarantine records and counted in metrics: add new codes, never rename one.
 */
export const REASON_CODES = [
  'invalid_json',
  'not_an_object',
  'missing_field',
  'invalid_type',
  'invalid_value',
  'unknown_event_type',
  'invalid_time',
  'event_time_in_future',
  'unsupported_schema_version',
  /** A string longer than the contract allows (ids, categories, URLs). */
  'value_too_long',
  /** A control character (U+0000 to U+001F, U+007F) in an identifier, category or URL. */
  'control_character',
  /** Money or a quantity beyond the contract's bounds, or too many items. */
  'out_of_range',
  /** The record is larger than the contract's limit for one event. */
  'record_too_large',
  /** Kafka delivered the record in a batch that could not be decompressed. */
  'undecodable_batch',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface ValidationIssue {
  /** Where: `""` for the whole value, else e.g. `event_time` or `items[0].price_cents`. */
  readonly path: string;
  readonly code: ReasonCode;
  readonly message: string;
}
