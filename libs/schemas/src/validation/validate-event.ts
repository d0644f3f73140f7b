import { baseFields, eventFields, isEventType, SCHEMA_VERSION } from '../contract/events.js';
import type { ShopEvent } from '../contract/events.js';
import { CONTROL_CHARACTER, type FieldSpec, type ObjectShape } from '../contract/fields.js';
import { generateObjectTest, isPlainObject } from './compiled-tests.js';
import { parseEventTime } from './event-time.js';
import type { ReasonCode, ValidationIssue } from './reasons.js';

export type ValidationResult =
  | {
      readonly ok: true;
      readonly event: ShopEvent;
      /** `event_time` as epoch milliseconds (UTC), parsed once here. */
      readonly eventTimeMs: number;
    }
  | {
      readonly ok: false;
      /** The code of the first issue; the one to file the record under. */
      readonly reason: ReasonCode;
      readonly issues: readonly ValidationIssue[];
    };

export interface ValidateOptions {
  /**
   * When the record arrived (epoch ms). If given, an `event_time` more than
   * `maxFutureMs` after it is rejected with `event_time_in_future`.
   */
  readonly arrivalTimeMs?: number;
  /** Allowed clock skew into the future; default 24 hours. */
  readonly maxFutureMs?: number;
}

export const DEFAULT_MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

type Segment = string | number;

/** Collects issues while walking a value; path segments live on a stack. */
class Walker {
  readonly path: Segment[] = [];
  issues: ValidationIssue[] | undefined;
  eventTimeMs = Number.NaN;

  report(code: ReasonCode, message: string, last?: Segment): void {
    const segments = last === undefined ? this.path : [...this.path, last];
    (this.issues ??= []).push({ path: formatPath(segments), code, message });
  }
}

function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const regexCache = new Map<string, RegExp>();
function regexFor(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    re = new RegExp(source);
    regexCache.set(source, re);
  }
  return re;
}

function checkValue(spec: FieldSpec, value: unknown, w: Walker): void {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') {
        w.report('invalid_type', `expected a string, got ${describe(value)}`);
      } else if (value.length < spec.minLength) {
        w.report('invalid_value', 'must not be empty');
      } else if (value.length > spec.maxLength) {
        w.report(
          'value_too_long',
          `must be at most ${spec.maxLength} characters, got ${value.length}`,
        );
      } else if (spec.controlFree && CONTROL_CHARACTER.test(value)) {
        const at = value.search(CONTROL_CHARACTER);
        const code = value.charCodeAt(at).toString(16).padStart(4, '0').toUpperCase();
        w.report('control_character', `must not contain control characters (U+${code} at ${at})`);
      } else if (spec.pattern !== undefined && !regexFor(spec.pattern).test(value)) {
        w.report('invalid_value', `expected ${spec.patternName ?? spec.pattern}`);
      }
      return;
    case 'enum':
      if (typeof value !== 'string') {
        w.report('invalid_type', `expected a string, got ${describe(value)}`);
      } else if (!spec.values.includes(value)) {
        const shown = spec.values.length <= 8 ? spec.values.join(', ') : 'the allowed codes';
        w.report('invalid_value', `expected one of ${shown}, got ${JSON.stringify(value)}`);
      }
      return;
    case 'const':
      if (typeof value !== typeof spec.value) {
        w.report('invalid_type', `expected ${typeof spec.value}, got ${describe(value)}`);
      } else if (value !== spec.value) {
        w.report('invalid_value', `expected ${JSON.stringify(spec.value)}`);
      }
      return;
    case 'integer':
      if (typeof value !== 'number') {
        w.report('invalid_type', `expected an integer, got ${describe(value)}`);
      } else if (!Number.isSafeInteger(value)) {
        w.report('invalid_type', `expected an integer, got ${value}`);
      } else if (value < spec.minimum) {
        w.report('invalid_value', `must be >= ${spec.minimum}, got ${value}`);
      } else if (value > spec.maximum) {
        w.report('out_of_range', `must be <= ${spec.maximum}, got ${value}`);
      }
      return;
    case 'timestamp':
      if (typeof value !== 'string') {
        w.report('invalid_type', `expected an RFC 3339 string, got ${describe(value)}`);
        return;
      }
      w.eventTimeMs = parseEventTime(value) ?? Number.NaN;
      if (Number.isNaN(w.eventTimeMs)) {
        w.report('invalid_time', `expected an RFC 3339 date-time with Z or an offset`);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) {
        w.report('invalid_type', `expected an array, got ${describe(value)}`);
        return;
      }
      if (value.length < spec.minItems) {
        w.report('invalid_value', `expected at least ${spec.minItems} item(s)`);
        return;
      }
      if (value.length > spec.maxItems) {
        w.report('out_of_range', `expected at most ${spec.maxItems} items, got ${value.length}`);
        return;
      }
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        w.path.push(i);
        if (isPlainObject(item)) checkObject(spec.items, item, w);
        else w.report('invalid_type', `expected an object, got ${describe(item)}`);
        w.path.pop();
      }
      return;
  }
}

function checkObject(shape: ObjectShape, obj: Record<string, unknown>, w: Walker): void {
  for (const [key, field] of Object.entries(shape)) {
    const value = obj[key];
    if (value === undefined) {
      if (!field.optional) w.report('missing_field', 'is required', key);
      continue;
    }
    w.path.push(key);
    checkValue(field.spec, value, w);
    w.path.pop();
  }
}

const { schema_version: _version, event_type: _type, ...commonFields } = baseFields;
const { event_time: _time, ...untimedFields } = commonFields;

/** Per event type: one compiled check of every field but the three handled up front. */
const quickTests = new Map(
  Object.entries(eventFields).map(([type, fields]) => [
    type,
    generateObjectTest({ ...untimedFields, ...fields }),
  ]),
);

/** The valid-input path: no allocation but the result. Undefined means "explain why not". */
function quickValidate(
  value: Record<string, unknown>,
  options?: ValidateOptions,
): number | undefined {
  if (value['schema_version'] !== SCHEMA_VERSION) return undefined;
  const type = value['event_type'];
  const test = typeof type === 'string' ? quickTests.get(type) : undefined;
  if (test === undefined || !test(value)) return undefined;
  const time = value['event_time'];
  const ms = typeof time === 'string' ? parseEventTime(time) : undefined;
  if (ms === undefined) return undefined;
  if (options?.arrivalTimeMs !== undefined) {
    const limit = options.arrivalTimeMs + (options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
    if (ms > limit) return undefined;
  }
  return ms;
}

/**
 * Checks that `value` is an event of contract v1. Never throws; every problem found is
 * listed with its path. Unknown extra fields are allowed and kept.
 */
export function validateEvent(value: unknown, options?: ValidateOptions): ValidationResult {
  if (!isPlainObject(value)) {
    return failure([
      { path: '', code: 'not_an_object', message: `expected an object, got ${describe(value)}` },
    ]);
  }
  const ms = quickValidate(value, options);
  if (ms !== undefined) return { ok: true, event: value as unknown as ShopEvent, eventTimeMs: ms };
  return explain(value, options);
}

/** The slow path: walks the whole value and lists every problem with its path. */
function explain(value: Record<string, unknown>, options?: ValidateOptions): ValidationResult {
  const w = new Walker();

  const version = value['schema_version'];
  if (version === undefined) {
    w.report('missing_field', 'is required', 'schema_version');
  } else if (typeof version !== 'number' || !Number.isInteger(version)) {
    w.report('invalid_type', `expected an integer, got ${describe(version)}`, 'schema_version');
  } else if (version !== SCHEMA_VERSION) {
    // Other fields may mean something else in another version: judge nothing more.
    return failure([
      {
        path: 'schema_version',
        code: 'unsupported_schema_version',
        message: `version ${version} is not supported; this reader knows ${SCHEMA_VERSION}`,
      },
    ]);
  }

  const type = value['event_type'];
  let typeFields: ObjectShape | undefined;
  if (type === undefined) {
    w.report('missing_field', 'is required', 'event_type');
  } else if (typeof type !== 'string') {
    w.report('invalid_type', `expected a string, got ${describe(type)}`, 'event_type');
  } else if (isEventType(type)) {
    typeFields = eventFields[type];
  } else {
    w.report('unknown_event_type', `unknown event type ${JSON.stringify(type)}`, 'event_type');
  }

  checkObject(commonFields, value, w);
  if (typeFields !== undefined) checkObject(typeFields, value, w);

  if (w.issues === undefined && options?.arrivalTimeMs !== undefined) {
    const limit = options.arrivalTimeMs + (options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
    if (w.eventTimeMs > limit) {
      w.report(
        'event_time_in_future',
        `is more than ${Math.round((limit - options.arrivalTimeMs) / 3_600_000)} h after arrival ` +
          `(${new Date(options.arrivalTimeMs).toISOString()})`,
        'event_time',
      );
    }
  }

  if (w.issues !== undefined) return failure(w.issues);
  return { ok: true, event: value as unknown as ShopEvent, eventTimeMs: w.eventTimeMs };
}

function failure(issues: readonly ValidationIssue[]): ValidationResult {
  // Callers only fail with at least one issue.
  const reason = issues[0]?.code ?? 'invalid_value';
  return { ok: false, reason, issues };
}
