import { parseEventLine } from '@shoplens/schemas';
import type { EmittedRecord } from '@shoplens/simulator';
import { LiveTraffic, retime } from './live-traffic.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');

function record(
  value: string,
  emittedAtMs: number,
  kind: EmittedRecord['kind'] = 'event',
): EmittedRecord {
  return { topic: 'pageviews', key: 'u1', value, emittedAtMs, kind };
}

describe('retime', () => {
  it('moves event_time by as much as the emission moves to now', () => {
    const sent = Date.parse('2026-03-02T08:00:00Z');
    const onTime = retime(
      record('{"event_id":"e","event_time":"2026-03-02T08:00:00Z"}', sent),
      NOW,
    );
    expect(JSON.parse(onTime)).toEqual({ event_id: 'e', event_time: '2026-12-02T10:00:00.000Z' });
    // Three hours late in the simulation, three hours late now; an offset is read as such.
    const late = retime(record('{"event_time":"2026-03-02T07:00:00+02:00"}', sent), NOW);
    expect(JSON.parse(late).event_time).toBe('2026-12-02T07:00:00.000Z');
  });

  it('keeps the bytes of invalid records and of anything it cannot read a time from', () => {
    for (const value of ['{"event_time":"yesterday"}', 'not json', '[1]', '"x"'])
      expect(retime(record(value, 0), NOW)).toBe(value);
    expect(retime(record('{"event_time":"2026-03-02T08:00:00Z"}', 0, 'invalid'), NOW)).toBe(
      '{"event_time":"2026-03-02T08:00:00Z"}',
    );
  });
});

describe('LiveTraffic', () => {
  it('makes valid contract events that happen now, with every topic, repeatably for a seed', () => {
    const make = () => {
      const live = new LiveTraffic({ seed: 1, timeZone: 'UTC', recordsPerSecond: 3 });
      return Array.from({ length: 3_000 }, (_, i) => live.next(NOW + i * 300));
    };
    const records = make();
    expect(make().map((r) => r.value)).toEqual(records.map((r) => r.value));
    expect(new Set(records.map((r) => r.topic))).toEqual(new Set(['pageviews', 'cart', 'orders']));
    let valid = 0;
    for (const r of records) {
      expect(r.emittedAtMs).toBeGreaterThanOrEqual(NOW);
      const parsed = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
      if (!parsed.ok) continue;
      valid++;
      // Out-of-order events trail their session by minutes, never hours (no late events here).
      expect(Math.abs(parsed.eventTimeMs - r.emittedAtMs)).toBeLessThanOrEqual(30 * 60_000);
    }
    expect(valid / records.length).toBeGreaterThan(0.99);
    expect(records.some((r) => r.kind === 'duplicate')).toBe(true);
  });

  it('sells from the first minutes, as a shop already open does', () => {
    const live = new LiveTraffic({ seed: 7, timeZone: 'UTC', recordsPerSecond: 3 });
    // Three minutes at 3 records a second.
    const records = Array.from({ length: 540 }, (_, i) => live.next(NOW + i * 333));
    const orders = records.filter((r) => r.topic === 'orders' && r.kind === 'event');
    expect(records.filter((r) => r.topic === 'cart').length).toBeGreaterThan(10);
    expect(orders.length).toBeGreaterThan(0);
  });
});
