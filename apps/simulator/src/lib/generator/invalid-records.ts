import { CONTRACT_LIMITS, REASON_CODES, type ReasonCode } from '@shoplens/schemas';
import type { Random } from '../random/random.js';

const HOUR_MS = 3_600_000;

/**
 * The reasons the simulator injects: every one the contract gives but two that a shop's
 * traffic does not produce in bulk (a 64 KiB record, a batch Kafka cannot decompress);
 * the ingestor's tests feed those.
 */
export const SIMULATED_REASONS: readonly ReasonCode[] = Object.freeze(
  REASON_CODES.filter((r) => r !== 'record_too_large' && r !== 'undecodable_batch'),
);

/** Whether `corruptEvent` can give `reason` to an event of this type. */
export function canCorrupt(reason: ReasonCode, eventType: string): boolean {
  return reason !== 'out_of_range' || eventType !== 'page_view';
}

const CONTROL = ['\u0000', '\t', '\n', '\u001b', '\u007f'] as const;

/**
 * Breaks the JSON of a valid event so that a validator files it under exactly `reason`
 * (the first issue it reports). `emittedAtMs` is when the record is emitted: the arrival
 * time an `event_time_in_future` record is more than 24 h ahead of.
 */
export function corruptEvent(
  json: string,
  reason: ReasonCode,
  random: Random,
  emittedAtMs: number,
  formatTime: (ms: number) => string,
): string {
  switch (reason) {
    case 'invalid_json':
      // Cutting at least the closing brace can never leave valid JSON.
      return json.slice(0, json.length - 1 - random.int(Math.min(12, json.length - 2)));
    case 'not_an_object':
      return random.chance(0.5) ? `[${json}]` : JSON.stringify(json);
    default:
      break;
  }
  const event = JSON.parse(json) as Record<string, unknown>;
  switch (reason) {
    case 'missing_field':
      delete event[random.pick(['event_id', 'user_id', 'session_id', 'event_time'])];
      break;
    case 'invalid_type':
      if (typeof event['price_cents'] === 'number' && random.chance(0.5))
        event['price_cents'] = String(event['price_cents']);
      else event['user_id'] = 1 + random.int(1_000_000);
      break;
    case 'invalid_value':
      if (typeof event['price_cents'] === 'number')
        event['price_cents'] = -1 - (event['price_cents'] as number);
      else if (typeof event['currency'] === 'string')
        event['currency'] = (event['currency'] as string).toLowerCase();
      else event['device'] = 'smartwatch';
      break;
    case 'unknown_event_type':
      event['event_type'] = random.pick(['wishlist_add', 'page_scroll', 'coupon_applied']);
      break;
    case 'invalid_time': {
      const time = String(event['event_time']);
      const variant = random.int(3);
      event['event_time'] =
        variant === 0
          ? time.replace('T', ' ')
          : variant === 1
            ? time.replace(/Z$/, '')
            : `${time.slice(0, 5)}02-30${time.slice(10)}`;
      break;
    }
    case 'event_time_in_future':
      event['event_time'] = formatTime(emittedAtMs + 25 * HOUR_MS + random.int(47 * HOUR_MS));
      break;
    case 'unsupported_schema_version':
      event['schema_version'] = random.chance(0.8) ? 2 : 0;
      break;
    case 'value_too_long':
      event['session_id'] =
        `${String(event['session_id'])}-${'x'.repeat(CONTRACT_LIMITS.idLength + random.int(500))}`;
      break;
    case 'control_character': {
      const id = String(event['user_id']);
      const at = random.int(id.length + 1);
      event['user_id'] = id.slice(0, at) + random.pick(CONTROL) + id.slice(at);
      break;
    }
    case 'out_of_range': {
      const items = event['items'] as Record<string, unknown>[] | undefined;
      const target = items?.[0] ?? event;
      if (typeof target['price_cents'] === 'number')
        target['price_cents'] = CONTRACT_LIMITS.priceCents + 1 + random.int(1_000_000);
      else if (typeof event['amount_cents'] === 'number')
        event['amount_cents'] = CONTRACT_LIMITS.amountCents + 1 + random.int(1_000_000);
      else throw new Error(`no out_of_range corruption for a ${String(event['event_type'])}`);
      break;
    }
    default:
      throw new Error(`no corruption for ${reason}`);
  }
  return JSON.stringify(event);
}
