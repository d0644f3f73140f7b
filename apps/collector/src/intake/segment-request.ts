import type { SessionClock } from '../session/session-clock.js';
import { mapSegmentCall, type CallOutcome } from '../segment/map-segment-call.js';
import { isObject } from '../segment/segment-calls.js';
import { addEvent, emptyIntake, type Intake } from './intake.js';
import { jsonBytes } from './json-bytes.js';

/** The Segment endpoints: /v1/batch takes `{batch: [calls]}`, the others one call. */
export type SegmentEndpoint = 'batch' | 'track' | 'page';

export type SegmentRequest =
  { readonly ok: true; readonly intake: Intake } | { readonly ok: false; readonly message: string };

/**
 * A Segment HTTP Tracking API request body (parsed JSON) as records to produce. Calls
 * without a session id get one from `sessions`, in event-time order per user so that the
 * order the calls were sent in does not matter.
 */
export function segmentRequest(
  body: unknown,
  endpoint: SegmentEndpoint,
  receivedAtMs: number,
  sessions: SessionClock,
): SegmentRequest {
  if (!isObject(body)) return { ok: false, message: 'the body must be a JSON object' };
  let calls: readonly unknown[];
  if (endpoint === 'batch') {
    const batch = body['batch'];
    if (!Array.isArray(batch))
      return { ok: false, message: 'the body must be {"batch": [calls…]}: no batch array' };
    calls = batch;
  } else {
    calls = [body];
  }
  const ctx = {
    receivedAtMs,
    sentAt: endpoint === 'batch' ? body['sentAt'] : undefined,
    context: endpoint === 'batch' ? body['context'] : undefined,
  };
  const outcomes: CallOutcome[] = calls.map((call) =>
    isObject(call)
      ? mapSegmentCall(call, endpoint === 'batch' ? call['type'] : endpoint, ctx)
      : { kind: 'rejected', reason: 'not_an_object', message: 'a call must be a JSON object' },
  );

  const needSession = outcomes
    .map((o, index) => ({ o, index }))
    .filter(({ o }) => o.kind === 'event' && o.sessionKey !== undefined)
    .sort((a, b) => time(a.o) - time(b.o) || a.index - b.index);
  for (const { o } of needSession) {
    if (o.kind === 'event')
      o.event['session_id'] = sessions.sessionFor(o.sessionKey!, o.eventTimeMs);
  }

  const intake = emptyIntake();
  outcomes.forEach((o, index) => {
    if (o.kind === 'ignored') intake.ignored.push({ index, reason: o.reason });
    else if (o.kind === 'rejected')
      intake.rejected.push({ index, reason: o.reason, message: o.message, quarantined: false });
    else addEvent(intake, index, o.event, jsonBytes(o.event), receivedAtMs);
  });
  return { ok: true, intake };
}

function time(o: CallOutcome): number {
  return o.kind === 'event' ? o.eventTimeMs : 0;
}
