import type { ValidateOptions, ValidationResult } from './validate-event.js';
import { validateEvent } from './validate-event.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses one JSON Lines record (text or raw bytes, e.g. a Kafka message value) and
 * validates it. Bytes that are not UTF-8 or text that is not JSON give `invalid_json`.
 */
export function parseEventLine(
  line: string | Uint8Array,
  options?: ValidateOptions,
): ValidationResult {
  let text: string;
  if (typeof line === 'string') {
    text = line;
  } else {
    try {
      text = utf8.decode(line);
    } catch {
      return invalidJson('the bytes are not valid UTF-8');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return invalidJson(err instanceof Error ? err.message : 'not JSON');
  }
  return validateEvent(value, options);
}

function invalidJson(message: string): ValidationResult {
  return {
    ok: false,
    reason: 'invalid_json',
    issues: [{ path: '', code: 'invalid_json', message }],
  };
}
