import { parseEventLine, topicFor, validateEvent } from '@shoplens/schemas';
import { SIMULATED_REASONS } from './invalid-records.js';
import type { EmittedRecord } from './simulation.js';
import { Simulation } from './simulation.js';

const HOUR = 3_600_000;

function all(sim: Simulation): EmittedRecord[] {
  const out: EmittedRecord[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) out.push(r);
  return out;
}

const faulty = {
  duplicateRate: 0.05,
  invalidRate: 0.05,
  lateRate: 0.05,
  outOfOrderRate: 0.05,
  offsetRate: 0.1,
  doublePurchaseRate: 0.2,
};

describe('Simulation', () => {
  it('gives the same records for the same options and other records for another seed', () => {
    const options = { seed: 11, events: 5000, timeZone: 'Europe/Berlin', faults: faulty };
    const a = all(new Simulation(options));
    const b = all(new Simulation(options));
    expect(b).toEqual(a);
    expect(new Simulation(options).truth()).toEqual(new Simulation(options).truth());
    const c = all(new Simulation({ ...options, seed: 12 }));
    expect(c.map((r) => r.value)).not.toEqual(a.map((r) => r.value));
  });

  it('emits exactly `events` records, in emission order, inside the span', () => {
    const sim = new Simulation({ seed: 3, events: 7777, days: 3, faults: faulty });
    const records = all(sim);
    expect(records).toHaveLength(7777);
    for (let i = 1; i < records.length; i++)
      expect(records[i]!.emittedAtMs).toBeGreaterThanOrEqual(records[i - 1]!.emittedAtMs);
    expect(records[0]!.emittedAtMs).toBeGreaterThanOrEqual(sim.startMs);
    expect(records.at(-1)!.emittedAtMs).toBeLessThan(sim.endMs);
    expect(sim.next()).toBeUndefined();
  });

  it('emits only valid events when no fault is asked for, each on its topic keyed by user_id', () => {
    const records = all(new Simulation({ seed: 5, events: 20_000, timeZone: 'America/New_York' }));
    const types = new Set<string>();
    const wrong: string[] = [];
    for (const r of records) {
      const result = validateEvent(JSON.parse(r.value));
      if (!result.ok) throw new Error(`${r.value}: ${JSON.stringify(result.issues)}`);
      const e = result.event;
      types.add(e.event_type);
      if (
        r.key !== e.user_id ||
        r.kind !== 'event' ||
        result.eventTimeMs !== r.emittedAtMs ||
        r.topic !== topicFor(e.event_type)
      ) {
        wrong.push(r.value);
      }
    }
    expect(wrong).toEqual([]);
    expect([...types].sort()).toEqual([
      'add_to_cart',
      'checkout_started',
      'page_view',
      'product_view',
      'purchase',
      'refund',
      'remove_from_cart',
    ]);
  });

  it('makes every invalid record fail validation with its stated reason, for every reason', () => {
    const records = all(
      new Simulation({ seed: 9, events: 20_000, faults: { ...faulty, invalidRate: 0.2 } }),
    );
    const reasons = new Map<string, number>();
    for (const r of records) {
      const result = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
      if (r.kind === 'invalid') {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toBe(r.reason);
        reasons.set(r.reason!, (reasons.get(r.reason!) ?? 0) + 1);
      } else if (!result.ok) {
        throw new Error(`${r.value}: ${JSON.stringify(result.issues)}`);
      }
    }
    expect([...reasons.keys()].sort()).toEqual([...SIMULATED_REASONS].sort());
  });

  it('injects each fault at its stated rate', () => {
    const events = 60_000;
    const records = all(new Simulation({ seed: 21, events, faults: faulty }));
    const share = (n: number, of: number) => n / of;
    const seenIds = new Set<string>();
    let duplicates = 0;
    let invalid = 0;
    let late = 0;
    let offsets = 0;
    let fresh = 0;
    let outOfOrder = 0;
    let purchases = 0;
    let repeatedOrders = 0;
    const orders = new Set<string>();
    const sessionLatest = new Map<string, number>();
    for (const r of records) {
      if (r.kind === 'invalid') {
        invalid++;
        continue;
      }
      const result = parseEventLine(r.value);
      if (!result.ok) throw new Error(r.value);
      const e = result.event;
      if (seenIds.has(e.event_id)) {
        duplicates++;
        expect(r.kind).toBe('duplicate');
        continue;
      }
      seenIds.add(e.event_id);
      fresh++;
      if (!e.event_time.endsWith('Z')) offsets++;
      if (r.emittedAtMs - result.eventTimeMs >= HOUR) late++;
      const latest = sessionLatest.get(e.session_id) ?? -Infinity;
      if (result.eventTimeMs < latest && r.emittedAtMs - result.eventTimeMs < HOUR) outOfOrder++;
      sessionLatest.set(e.session_id, Math.max(latest, result.eventTimeMs));
      if (e.event_type === 'purchase') {
        purchases++;
        if (orders.has(e.order_id)) repeatedOrders++;
        orders.add(e.order_id);
      }
    }
    expect(share(duplicates, events)).toBeCloseTo(0.05, 1);
    expect(Math.abs(share(duplicates, events) - 0.05)).toBeLessThan(0.005);
    expect(Math.abs(share(invalid, events) - 0.05)).toBeLessThan(0.005);
    expect(Math.abs(share(offsets, fresh) - 0.1)).toBeLessThan(0.01);
    // Refunds and double-fired purchases are not session events: a little under the rate.
    expect(share(late, fresh)).toBeGreaterThan(0.04);
    expect(share(late, fresh)).toBeLessThan(0.055);
    expect(share(outOfOrder, fresh)).toBeGreaterThan(0.025);
    expect(share(outOfOrder, fresh)).toBeLessThan(0.055);
    expect(Math.abs(share(repeatedOrders, purchases - repeatedOrders) - 0.2)).toBeLessThan(0.06);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => new Simulation({ events: 0 })).toThrow(/events/);
    expect(() => new Simulation({ timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => new Simulation({ faults: { lateRate: 2 } })).toThrow(/lateRate/);
    expect(() => new Simulation({ conversionRate: 0.5, checkoutRate: 0.1 })).toThrow(/funnel/);
    expect(() => new Simulation({ currencies: [{ code: 'usd', weight: 1 }] })).toThrow(/currency/);
    expect(() => new Simulation({ seed: -1 })).toThrow(/seed/);
  });
});
