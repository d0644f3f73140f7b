import type { EventType } from '@shoplens/schemas';
import type { Product } from '../catalog/catalog.js';

/** A shopper: the fields every event of theirs repeats. */
export interface Shopper {
  readonly index: number;
  readonly id: string;
  readonly currencyIndex: number;
  /** `,"device":"mobile","country":"US"` or the part of it this shopper sends. */
  readonly optionalJson: string;
}

export interface CartLine {
  readonly product: Product;
  readonly quantity: number;
}

/**
 * One clean event as the simulator means it: the truth is computed from these, and the
 * JSON is rendered from them. A single shape for every type keeps the hot path monomorphic.
 */
export interface SimEvent {
  readonly type: EventType;
  eventId: string;
  /** event_time, epoch ms; NaN until the event is placed in time. */
  timeMs: number;
  readonly shopper: Shopper;
  /** `,"user_id":…,"session_id":…,"schema_version":1` plus the optional fields. */
  readonly sessionJson: string;
  /** The type-specific fields, rendered, starting with a comma. */
  readonly bodyJson: string;
  readonly product: Product | undefined;
  readonly lines: readonly CartLine[] | undefined;
  readonly orderId: string | undefined;
  readonly amountCents: number;
  /** Offset (minutes) to write event_time with; undefined writes `Z`. */
  offsetMinutes: number | undefined;
}

export function simEvent(
  type: EventType,
  shopper: Shopper,
  sessionJson: string,
  bodyJson: string,
  extra: {
    product?: Product;
    lines?: readonly CartLine[];
    orderId?: string;
    amountCents?: number;
  } = {},
): SimEvent {
  return {
    type,
    eventId: '',
    timeMs: Number.NaN,
    shopper,
    sessionJson,
    bodyJson,
    product: extra.product,
    lines: extra.lines,
    orderId: extra.orderId,
    amountCents: extra.amountCents ?? 0,
    offsetMinutes: undefined,
  };
}

/** The JSON of an event given its formatted event_time. */
export function renderEvent(event: SimEvent, eventTime: string): string {
  return (
    '{"event_id":"' +
    event.eventId +
    '","event_type":"' +
    event.type +
    '","event_time":"' +
    eventTime +
    '"' +
    event.sessionJson +
    event.bodyJson +
    '}'
  );
}

/** `[{…},{…}]` of order lines in the currency with index `currencyIndex`. */
export function linesJson(lines: readonly CartLine[], currencyIndex: number): string {
  let out = '[';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (i > 0) out += ',';
    out += line.product.itemJsonPrefix[currencyIndex]! + line.quantity + '}';
  }
  return out + ']';
}
