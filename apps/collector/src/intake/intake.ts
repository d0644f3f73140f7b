import {
  CONTRACT_LIMITS,
  isEventType,
  topicFor,
  TOPICS,
  validateEvent,
  type Topic,
  type ValidationResult,
} from '@shoplens/schemas';

/**
 * A record to produce: the contract's topic, key = user_id, value = the event's JSON, as
 * text or as its UTF-8 bytes.
 */
export interface OutRecord {
  readonly topic: Topic;
  readonly key: string | null;
  readonly value: string | Uint8Array;
}

export interface Rejected {
  readonly index: number;
  readonly reason: string;
  readonly message: string;
  /** True when the event was produced anyway, for the ingestor to quarantine with its reason. */
  readonly quarantined: boolean;
}

export interface Ignored {
  readonly index: number;
  readonly reason: string;
}

/** What a request becomes: the records to produce and the answer's per-event results. */
export interface Intake {
  readonly records: OutRecord[];
  /** Contract-valid events among the records. */
  accepted: number;
  readonly rejected: Rejected[];
  readonly ignored: Ignored[];
}

export function emptyIntake(): Intake {
  return { records: [], accepted: 0, rejected: [], ignored: [] };
}

/**
 * Adds one event to the intake: `json` is the record's value, `event` its parsed form.
 * Valid or not, it is produced: an event the contract refuses (checked as the ingestor
 * checks it, size included) is also listed as rejected, and the ingestor files it in the
 * quarantine with its reason, as for any producer. An event of no known type goes to the
 * pageviews topic. The parsed form is validated as it is, not parsed again from `json`:
 * both are the same value, `json` being the text it was parsed from or the bytes
 * JSON.stringify would make of it (`jsonBytes`).
 */
export function addEvent(
  intake: Intake,
  index: number,
  event: unknown,
  json: string | Uint8Array,
  receivedAtMs: number,
): void {
  const fields =
    event !== null && typeof event === 'object' ? (event as Record<string, unknown>) : {};
  const type = fields['event_type'];
  const user = fields['user_id'];
  intake.records.push({
    topic: isEventType(type) ? topicFor(type) : TOPICS.pageviews,
    key: typeof user === 'string' ? user : null,
    value: json,
  });
  judge(intake, index, tooLarge(json) ?? validateEvent(event, { arrivalTimeMs: receivedAtMs }));
}

/** Adds a record that is not JSON (an NDJSON line), produced as sent for the quarantine. */
export function addUnparsed(intake: Intake, index: number, line: string, error: string): void {
  intake.records.push({ topic: TOPICS.pageviews, key: null, value: line });
  judge(
    intake,
    index,
    tooLarge(line) ?? {
      ok: false,
      reason: 'invalid_json',
      issues: [{ path: '', code: 'invalid_json', message: error }],
    },
  );
}

function tooLarge(json: string | Uint8Array): ValidationResult | undefined {
  if (typeof json !== 'string')
    return json.length > CONTRACT_LIMITS.eventBytes ? over(json.length) : undefined;
  // Up to 3 UTF-8 bytes per UTF-16 unit: short texts need no count.
  if (json.length * 3 <= CONTRACT_LIMITS.eventBytes) return undefined;
  const bytes = Buffer.byteLength(json);
  return bytes > CONTRACT_LIMITS.eventBytes ? over(bytes) : undefined;
}

function over(bytes: number): ValidationResult {
  return {
    ok: false,
    reason: 'record_too_large',
    issues: [
      {
        path: '',
        code: 'record_too_large',
        message: `${bytes} bytes; one event may have at most ${CONTRACT_LIMITS.eventBytes}`,
      },
    ],
  };
}

function judge(intake: Intake, index: number, result: ValidationResult): void {
  if (result.ok) {
    intake.accepted++;
    return;
  }
  const issue = result.issues[0];
  intake.rejected.push({
    index,
    reason: result.reason,
    message: issue ? `${issue.path}: ${issue.message}` : result.reason,
    quarantined: true,
  });
}
