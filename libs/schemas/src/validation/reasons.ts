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
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface ValidationIssue {
  /** Where: `""` for the whole value, else e.g. `event_time` or `items[0].price_cents`. */
  readonly path: string;
  readonly code: ReasonCode;
  readonly message: string;
}
