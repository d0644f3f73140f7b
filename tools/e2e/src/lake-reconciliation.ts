import { routeRecord } from '@shoplens/transforms';
import type { BrokerRecord } from './kafka-checks.js';
import type { LakeContents } from './lake-contents.js';

/** What the lake holds against what the broker holds, record by record. */
export interface Reconciliation {
  readonly missingRaw: number;
  readonly unexpectedRaw: number;
  readonly duplicateRaw: number;
  readonly missingQuarantine: number;
  readonly wrongReason: number;
  /** Quarantined under the right offset, but not the bytes the broker holds there. */
  readonly wrongValue: number;
  readonly unexpectedQuarantine: number;
}

/**
 * Applies the ingestor's own routing rule to every record the broker holds and compares
 * the result with the raw lines and quarantine entries the lake holds.
 */
export function reconcile(records: readonly BrokerRecord[], lake: LakeContents): Reconciliation {
  const wantRaw = new Map<string, number>();
  const wantQuarantine = new Map<string, { reason: string; value: Buffer }>();
  for (const r of records) {
    // The ingestor's own routing rule, applied to what the broker holds.
    const routed = routeRecord(r.value, r.timestampMs);
    if (routed.zone === 'raw') {
      const line = Buffer.from(routed.line).toString('utf8');
      wantRaw.set(line, (wantRaw.get(line) ?? 0) + 1);
    } else
      wantQuarantine.set(`${r.topic}/${r.partition}/${r.offset}`, {
        reason: routed.reason,
        value: Buffer.from(r.value ?? []),
      });
  }
  const haveRaw = new Map<string, number>();
  for (const line of lake.raw) {
    const text = line.toString('utf8');
    haveRaw.set(text, (haveRaw.get(text) ?? 0) + 1);
  }
  let missingRaw = 0;
  let duplicateRaw = 0;
  let unexpectedRaw = 0;
  for (const [line, n] of wantRaw) {
    const have = haveRaw.get(line) ?? 0;
    if (have < n) missingRaw += n - have;
    else duplicateRaw += have - n;
  }
  for (const [line, n] of haveRaw) if (!wantRaw.has(line)) unexpectedRaw += n;
  let missingQuarantine = 0;
  let wrongReason = 0;
  let wrongValue = 0;
  let unexpectedQuarantine = 0;
  const seen = new Map<string, { reason: string; value: Buffer }>();
  for (const q of lake.quarantine) seen.set(`${q.topic}/${q.partition}/${q.offset}`, q);
  for (const [key, want] of wantQuarantine) {
    const found = seen.get(key);
    if (found === undefined) missingQuarantine++;
    else if (found.reason !== want.reason) wrongReason++;
    else if (!found.value.equals(want.value)) wrongValue++;
  }
  for (const key of seen.keys()) if (!wantQuarantine.has(key)) unexpectedQuarantine++;
  return {
    missingRaw,
    unexpectedRaw,
    duplicateRaw,
    missingQuarantine,
    wrongReason,
    wrongValue,
    unexpectedQuarantine,
  };
}
