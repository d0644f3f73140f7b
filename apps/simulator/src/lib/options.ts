import { CURRENCY_PATTERN } from '@shoplens/schemas';
import { SimulatorError } from '../errors.js';
import { isTimeZone } from './time/zone-clock.js';

/** How often each fault is injected; every rate is a probability in [0, 1]. */
export interface FaultRates {
  /** Share of records that are a redelivery of a recent record, byte for byte. */
  readonly duplicateRate: number;
  /** Share of purchases fired twice: same order_id, new event_id, event_time 0–3 s later. */
  readonly doublePurchaseRate: number;
  /** Share of session events delivered 1–6 hours after their event_time. */
  readonly lateRate: number;
  /** Share of session events delivered after the next event of their session. */
  readonly outOfOrderRate: number;
  /** Share of valid records whose event_time is written with a non-UTC offset. */
  readonly offsetRate: number;
  /** Share of records that are invalid, spread evenly over every reason code. */
  readonly invalidRate: number;
}

export interface CurrencyShare {
  /** ISO 4217 code. */
  readonly code: string;
  /** Relative share of shoppers paying in it. */
  readonly weight: number;
}

export interface SimulationOptions {
  readonly seed: number;
  /** Records to emit, faults included. */
  readonly events: number;
  /** First instant of the simulated span (epoch ms). */
  readonly startMs: number;
  /** Length of the span in local days of `timeZone` (a DST day counts as one day). */
  readonly days: number;
  /** IANA zone of the daily traffic curve and of the truth's days and hours. */
  readonly timeZone: string;
  /** Size of the shopper population; the same shoppers come back across days. */
  readonly users: number;
  readonly products: number;
  readonly currencies: readonly CurrencyShare[];
  /** Share of sessions that add to the cart, reach checkout, and purchase. */
  readonly cartRate: number;
  readonly checkoutRate: number;
  readonly conversionRate: number;
  /** Share of orders refunded (fully or one line) 1–72 hours later. */
  readonly refundRate: number;
  /** Mean seconds between two events of one session. */
  readonly sessionGapSeconds: number;
  readonly faults: FaultRates;
}

export const NO_FAULTS: FaultRates = Object.freeze({
  duplicateRate: 0,
  doublePurchaseRate: 0,
  lateRate: 0,
  outOfOrderRate: 0,
  offsetRate: 0,
  invalidRate: 0,
});

export const DEFAULT_OPTIONS: SimulationOptions = Object.freeze({
  seed: 1,
  events: 100_000,
  startMs: Date.UTC(2026, 2, 2),
  days: 7,
  timeZone: 'UTC',
  users: 0,
  products: 500,
  currencies: Object.freeze([
    { code: 'USD', weight: 0.8 },
    { code: 'EUR', weight: 0.2 },
  ]),
  cartRate: 0.25,
  checkoutRate: 0.1,
  conversionRate: 0.06,
  refundRate: 0.05,
  sessionGapSeconds: 45,
  faults: NO_FAULTS,
});

/** Shoppers for `events` records when none is given: each comes back a few times. */
export function defaultUsers(events: number): number {
  return Math.max(20, Math.round(events / 40));
}

function rate(name: string, value: number): void {
  if (!(value >= 0 && value <= 1))
    throw new SimulatorError('BAD_OPTION', `${name} must be between 0 and 1, got ${value}`);
}

function positiveInteger(name: string, value: number, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SimulatorError('BAD_OPTION', `${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** Options as callers give them: any subset, defaults for the rest. */
export type SimulationInput = Omit<Partial<SimulationOptions>, 'faults'> & {
  readonly faults?: Partial<FaultRates>;
};

/** Fills defaults and checks every option; throws a SimulatorError naming the bad one. */
export function resolveOptions(options: SimulationInput): SimulationOptions {
  const events = options.events ?? DEFAULT_OPTIONS.events;
  const resolved: SimulationOptions = {
    ...DEFAULT_OPTIONS,
    ...options,
    users: options.users || defaultUsers(events),
    faults: Object.freeze({ ...NO_FAULTS, ...options.faults }),
  };
  if (!Number.isSafeInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    throw new SimulatorError(
      'BAD_OPTION',
      `seed must be an integer from 0 to 4294967295, got ${resolved.seed}`,
    );
  }
  positiveInteger('events', resolved.events);
  positiveInteger('days', resolved.days);
  positiveInteger('users', resolved.users);
  positiveInteger('products', resolved.products, 10);
  if (!Number.isFinite(resolved.startMs))
    throw new SimulatorError('BAD_OPTION', 'start must be a valid instant');
  if (!isTimeZone(resolved.timeZone)) {
    throw new SimulatorError(
      'BAD_OPTION',
      `unknown time zone "${resolved.timeZone}"; use an IANA name such as Europe/Berlin`,
    );
  }
  if (resolved.currencies.length === 0 || resolved.currencies.length > 64) {
    throw new SimulatorError('BAD_OPTION', 'give from 1 to 64 currencies');
  }
  if (new Set(resolved.currencies.map((c) => c.code)).size !== resolved.currencies.length) {
    throw new SimulatorError('BAD_OPTION', 'each currency may be given once');
  }
  const currency = new RegExp(CURRENCY_PATTERN);
  for (const c of resolved.currencies) {
    if (!currency.test(c.code))
      throw new SimulatorError('BAD_OPTION', `currency "${c.code}" is not 3 capital letters`);
    if (!(c.weight > 0))
      throw new SimulatorError('BAD_OPTION', `currency ${c.code} needs a positive share`);
  }
  for (const name of ['cartRate', 'checkoutRate', 'conversionRate', 'refundRate'] as const)
    rate(name, resolved[name]);
  if (!(
    resolved.conversionRate <= resolved.checkoutRate && resolved.checkoutRate <= resolved.cartRate
  )) {
    throw new SimulatorError(
      'BAD_OPTION',
      'the funnel must narrow: conversion <= checkout rate <= cart rate',
    );
  }
  if (!(resolved.sessionGapSeconds > 0))
    throw new SimulatorError('BAD_OPTION', 'sessionGapSeconds must be positive');
  for (const [name, value] of Object.entries(resolved.faults)) rate(name, value);
  if (resolved.faults.duplicateRate + resolved.faults.invalidRate > 0.9) {
    throw new SimulatorError(
      'BAD_OPTION',
      'duplicate and invalid rates together must leave room for real events (<= 0.9)',
    );
  }
  return Object.freeze(resolved);
}
