import { addEvent, addUnparsed, emptyIntake, type Intake } from './intake.js';

export type NativeRequest =
  { readonly ok: true; readonly intake: Intake } | { readonly ok: false; readonly message: string };

/**
 * A `POST /v1/events` body as records to produce: a JSON array of contract-v1 events, or
 * newline-delimited JSON (one event a line; `ndjson` says which). In a JSON array every
 * element is produced as its JSON; in NDJSON every non-blank line is produced as sent, so
 * a line that is not JSON reaches the quarantine with its bytes too.
 */
export function nativeRequest(text: string, ndjson: boolean, receivedAtMs: number): NativeRequest {
  const intake = emptyIntake();
  if (ndjson) {
    let index = 0;
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      let event: unknown;
      try {
        // A byte order mark is not JSON; the ingestor skips it too.
        event = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
      } catch (err) {
        addUnparsed(intake, index++, line, (err as Error).message);
        continue;
      }
      addEvent(intake, index++, event, line, receivedAtMs);
    }
    return { ok: true, intake };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `malformed JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(body))
    return { ok: false, message: 'the body must be a JSON array of events (or NDJSON)' };
  body.forEach((event, index) =>
    addEvent(intake, index, event, JSON.stringify(event) ?? 'null', receivedAtMs),
  );
  return { ok: true, intake };
}
