import { CONTRACT_LIMITS } from '../contract/events.js';
import type { ValidateOptions, ValidationResult } from './validate-event.js';
import { validateEvent } from './validate-event.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const encoder = new TextEncoder();

function byteLength(line: string | Uint8Array): number {
  if (typeof line !== 'string') return line.length;
  // UTF-8 takes at least one byte per UTF-16 unit and at most three.
  return line.length * 3 <= CONTRACT_LIMITS.eventBytes ? line.length : encoder.encode(line).length;
}

/**
 * Parses one JSON Lines record (text or raw bytes, e.g. a Kafka message value) and
 * validates it. Bytes that are not UTF-8 or text that is not JSON give `invalid_json`;
 * a leading byte-order mark is allowed; more than `CONTRACT_LIMITS.eventBytes` bytes give
 * `record_too_large` (before any parsing).
 */
export function parseEventLine(
  line: string | Uint8Array,
  options?: ValidateOptions,
): ValidationResult {
  const bytes = byteLength(line);
  if (bytes > CONTRACT_LIMITS.eventBytes) {
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
  let text: string;
  if (typeof line === 'string') {
    text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
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
