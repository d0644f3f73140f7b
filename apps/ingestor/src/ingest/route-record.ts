import type { ReasonCode, ValidationIssue } from '@shoplens/schemas';
import { parseEventLine } from '@shoplens/schemas';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const LF = 0x0a;
const CR = 0x0d;

export type Routed =
  | { readonly zone: 'raw'; readonly bucketMs: number; readonly line: Uint8Array }
  | {
      readonly zone: 'quarantine';
      readonly bucketMs: number;
      readonly reason: ReasonCode;
      readonly issues: readonly ValidationIssue[];
    };

/**
 * Where one Kafka record goes: a valid event to the raw file of its event-time UTC
 * hour, anything else to the quarantine of its arrival day. Never throws.
 */
export function routeRecord(value: Uint8Array | null, arrivalMs: number): Routed {
  const result = parseEventLine(value ?? new Uint8Array(0), { arrivalTimeMs: arrivalMs });
  if (!result.ok)
    return {
      zone: 'quarantine',
      bucketMs: Math.floor(arrivalMs / DAY_MS) * DAY_MS,
      reason: result.reason,
      issues: result.issues,
    };
  const bytes = value as Uint8Array;
  // JSON Lines holds one record per line: a valid event sent pretty-printed is stored
  // compacted (the same JSON value), every other record byte for byte.
  const line =
    bytes.includes(LF) || bytes.includes(CR)
      ? Buffer.from(JSON.stringify(JSON.parse(Buffer.from(bytes).toString('utf8'))))
      : bytes;
  return { zone: 'raw', bucketMs: Math.floor(result.eventTimeMs / HOUR_MS) * HOUR_MS, line };
}
