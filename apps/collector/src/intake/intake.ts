import { isEventType, parseEventLine, topicFor, TOPICS, type Topic } from '@shoplens/schemas';

/** A record to produce: the contract's topic, key = user_id, value = the event's JSON. */
export interface OutRecord {
  readonly topic: Topic;
  readonly key: string | null;
  readonly value: string;
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
 * Adds one event to the intake: `json` is the record's value, `event` its parsed form
 * (undefined when it is not JSON). Valid or not, it is produced: an event the contract
 * refuses (checked as the ingestor checks it, size included) is also listed as rejected,
 * and the ingestor files it in the quarantine with its reason, as for any producer. An
 * event of no known type goes to the pageviews topic.
 */
export function addEvent(
  intake: Intake,
  index: number,
  event: unknown,
  json: string,
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
  const result = parseEventLine(json, { arrivalTimeMs: receivedAtMs });
  if (result.ok) {
    intake.accepted++;
  } else {
    const issue = result.issues[0];
    intake.rejected.push({
      index,
      reason: result.reason,
      message: issue ? `${issue.path}: ${issue.message}` : result.reason,
      quarantined: true,
    });
  }
}
