import type { ReasonCode, Topic } from '@shoplens/schemas';
import { topicFor } from '@shoplens/schemas';
import { Catalog, DEFAULT_CATEGORIES } from '../catalog/catalog.js';
import { currencyInfo } from '../catalog/currencies.js';
import type { FaultRates, SimulationInput, SimulationOptions } from '../options.js';
import { resolveOptions } from '../options.js';
import { Random, randomUuid, runTag } from '../random/random.js';
import { TrafficCurve } from '../traffic/traffic-curve.js';
import type { SimulationTruth } from '../truth/simulation-truth.js';
import { TruthBuilder } from '../truth/truth-builder.js';
import { EventTimeFormatter } from '../time/event-time-format.js';
import { MS_PER_DAY, ZoneClock } from '../time/zone-clock.js';
import { SIMULATED_REASONS, canCorrupt, corruptEvent } from './invalid-records.js';
import { PendingQueue } from './pending-queue.js';
import { SessionPlanner } from './session-planner.js';
import { Shoppers } from './shoppers.js';
import type { SimEvent } from './sim-event.js';
import { renderEvent } from './sim-event.js';

const HOUR_MS = 3_600_000;
/** Offsets a client might write its clock with (minutes east of UTC). */
const OFFSETS = [-480, -300, -240, -210, 60, 120, 330, 540, 345, -60];
/** How many recent records a redelivery may repeat. */
const REDELIVERY_WINDOW = 512;

/** What a record is, for the sinks' statistics and for tests. */
export type RecordKind = 'event' | 'duplicate' | 'invalid';

/** One record as it leaves the simulator. */
export interface EmittedRecord {
  readonly topic: Topic;
  /** The Kafka record key: the user_id. */
  readonly key: string;
  /** The record's bytes as text: one JSON event (or, for an invalid record, anything). */
  readonly value: string;
  /** When the record is emitted, epoch ms: its Kafka timestamp and its arrival time. */
  readonly emittedAtMs: number;
  readonly kind: RecordKind;
  /** For an invalid record, the reason a validator gives. */
  readonly reason?: ReasonCode;
}

interface Session {
  readonly events: SimEvent[];
  next: number;
  /** An event held back to be emitted after the session's next one. */
  held: SimEvent | undefined;
}

type PendingItem =
  | { readonly kind: 'late' | 'held' | 'double'; readonly event: SimEvent }
  | { readonly kind: 'refund'; readonly purchase: SimEvent };

/**
 * The seeded generator: call {@link next} until it returns undefined, then {@link truth}.
 * Pure (no I/O, no clock, no global randomness): the same options give the same records.
 */
export class Simulation {
  readonly options: SimulationOptions;
  readonly startMs: number;
  readonly endMs: number;
  private readonly random: Random;
  private readonly faults: FaultRates;
  private readonly clock: ZoneClock;
  private readonly curve: TrafficCurve;
  private readonly catalog: Catalog;
  private readonly shoppers: Shoppers;
  private readonly planner: SessionPlanner;
  private readonly builder: TruthBuilder;
  private readonly times = new EventTimeFormatter();
  private readonly pending = new PendingQueue<PendingItem>();
  private readonly active: Session[] = [];
  private readonly recent: EmittedRecord[] = [];
  private emittedCount = 0;

  constructor(options: SimulationInput = {}) {
    const o = resolveOptions(options);
    this.options = o;
    this.faults = o.faults;
    this.random = new Random(o.seed);
    const probe = new ZoneClock(o.timeZone, o.startMs - MS_PER_DAY, o.startMs + MS_PER_DAY);
    this.startMs = o.startMs;
    this.endMs = probe.instantOf(probe.wall(o.startMs) + o.days * MS_PER_DAY);
    // Room on both sides for late events and for invalid records up to 3 days ahead.
    this.clock = new ZoneClock(
      o.timeZone,
      this.startMs - 2 * MS_PER_DAY,
      this.endMs + 4 * MS_PER_DAY,
    );
    this.curve = new TrafficCurve(this.clock, this.startMs, this.endMs, o.events);
    const currencies = o.currencies.map((c) => currencyInfo(c.code));
    this.catalog = new Catalog(this.random.fork(), o.products, DEFAULT_CATEGORIES, currencies);
    this.shoppers = new Shoppers(
      this.random.fork(),
      o.users,
      currencies,
      o.currencies.map((c) => c.weight),
    );
    this.planner = new SessionPlanner(this.random, this.catalog, o, runTag(o.seed));
    this.builder = new TruthBuilder(
      this.clock,
      o.seed,
      this.startMs,
      this.endMs,
      this.catalog,
      o.users,
    );
  }

  /** Records emitted so far. */
  get emitted(): number {
    return this.emittedCount;
  }

  get total(): number {
    return this.options.events;
  }

  /** The next record, or undefined once `events` records were emitted. */
  next(): EmittedRecord | undefined {
    if (this.emittedCount >= this.options.events) return undefined;
    const t = this.curve.timeOf(this.emittedCount);
    this.emittedCount++;
    const f = this.faults;
    // After an event is held back or delayed, the slot goes to a new session, so no two
    // events of one session ever share an event_time.
    let deferred = false;
    for (;;) {
      const due = this.pending.popDue(t);
      if (due !== undefined) return this.emitPending(due, t);
      const r = f.duplicateRate + f.invalidRate > 0 ? this.random.float() : 1;
      if (r < f.duplicateRate && this.recent.length > 0) return this.redeliver(t);
      if (r < f.duplicateRate + f.invalidRate) return this.invalid(t);
      const event = this.sessionEvent(t, deferred);
      if (event !== undefined) return this.emit(event, t, false, false, false);
      deferred = true;
    }
  }

  /**
   * The truth of everything emitted so far: complete once {@link next} returned
   * undefined, or for the records a sink accepted when a run is cut short.
   */
  truth(): SimulationTruth {
    return this.builder.finish();
  }

  private sessionEvent(t: number, newSession: boolean): SimEvent | undefined {
    const target = Math.max(
      1,
      Math.ceil(this.options.sessionGapSeconds * this.curve.slotsPerSecond()),
    );
    let index: number;
    if (newSession || this.active.length < target) {
      index = this.active.length;
      this.active.push({
        events: this.planner.plan(this.shoppers.next()),
        next: 0,
        held: undefined,
      });
    } else {
      index = this.random.int(this.active.length);
    }
    const session = this.active[index]!;
    const event = session.events[session.next++]!;
    event.timeMs = t;
    event.eventId = randomUuid(this.random);
    const more = session.next < session.events.length;
    if (!more) {
      this.active[index] = this.active[this.active.length - 1]!;
      this.active.pop();
    }
    const f = this.faults;
    if (session.held !== undefined) {
      // Emitted right after this one, so it lands behind a later event of its session.
      this.pending.push(t, { kind: 'held', event: session.held });
      session.held = undefined;
      return event;
    }
    if (f.lateRate > 0 && this.random.chance(f.lateRate)) {
      this.pending.push(t + this.random.between(HOUR_MS, 6 * HOUR_MS), { kind: 'late', event });
      return undefined;
    }
    if (more && f.outOfOrderRate > 0 && this.random.chance(f.outOfOrderRate)) {
      session.held = event;
      return undefined;
    }
    return event;
  }

  private emitPending(item: PendingItem, t: number): EmittedRecord {
    if (item.kind === 'refund') {
      const refund = this.planner.refund(item.purchase);
      refund.timeMs = t;
      refund.eventId = randomUuid(this.random);
      return this.emit(refund, t, false, false, false);
    }
    return this.emit(
      item.event,
      t,
      item.kind === 'late',
      item.kind === 'held',
      item.kind === 'double',
    );
  }

  private emit(
    event: SimEvent,
    t: number,
    late: boolean,
    outOfOrder: boolean,
    doubleFired: boolean,
  ): EmittedRecord {
    const f = this.faults;
    let time: string;
    if (f.offsetRate > 0 && this.random.chance(f.offsetRate)) {
      event.offsetMinutes = this.random.pick(OFFSETS);
      time = this.times.withOffset(event.timeMs, event.offsetMinutes);
    } else {
      time = this.times.utc(event.timeMs);
    }
    const topic = topicFor(event.type);
    const record: EmittedRecord = {
      topic,
      key: event.shopper.id,
      value: renderEvent(event, time),
      emittedAtMs: t,
      kind: 'event',
    };
    this.builder.emitted(topic);
    this.builder.event(event, { late, outOfOrder, doubleFired });
    if (f.duplicateRate > 0) {
      if (this.recent.length < REDELIVERY_WINDOW) this.recent.push(record);
      else this.recent[this.random.int(REDELIVERY_WINDOW)] = record;
    }
    if (event.type === 'purchase' && !doubleFired) {
      if (this.random.chance(this.options.refundRate)) {
        this.pending.push(t + this.random.between(HOUR_MS, 72 * HOUR_MS), {
          kind: 'refund',
          purchase: event,
        });
      }
      if (f.doublePurchaseRate > 0 && this.random.chance(f.doublePurchaseRate)) {
        const again: SimEvent = {
          ...event,
          eventId: randomUuid(this.random),
          timeMs: event.timeMs + this.random.int(3001),
          offsetMinutes: undefined,
        };
        this.pending.push(t + this.random.between(1000, 120_000), { kind: 'double', event: again });
      }
    }
    return record;
  }

  private redeliver(t: number): EmittedRecord {
    const original = this.recent[this.random.int(this.recent.length)]!;
    this.builder.emitted(original.topic);
    this.builder.redelivered();
    return { ...original, emittedAtMs: t, kind: 'duplicate' };
  }

  private invalid(t: number): EmittedRecord {
    let reason = SIMULATED_REASONS[this.random.int(SIMULATED_REASONS.length)]!;
    const shopper = this.shoppers.next();
    const plan = this.planner.plan(shopper);
    const fits = plan.filter((e) => canCorrupt(reason, e.type));
    if (fits.length === 0) reason = 'value_too_long';
    const choices = fits.length > 0 ? fits : plan;
    const base = choices[this.random.int(choices.length)]!;
    base.timeMs = t;
    base.eventId = randomUuid(this.random);
    const value = corruptEvent(renderEvent(base, this.times.utc(t)), reason, this.random, t, (ms) =>
      this.times.utc(ms),
    );
    const topic = topicFor(base.type);
    this.builder.emitted(topic);
    this.builder.invalid(reason);
    return { topic, key: shopper.id, value, emittedAtMs: t, kind: 'invalid', reason };
  }
}
