import { Simulation } from '@shoplens/simulator';
import {
  landRecords,
  listAll,
  quarantineDays,
  readQuarantine,
  readRawLines,
} from '@shoplens/storage';
import { createMemoryObjectStore } from '@shoplens/storage/testing';

function records(seed: number) {
  const sim = new Simulation({
    seed,
    events: 3_000,
    days: 2,
    startMs: Date.UTC(2026, 2, 2),
    faults: { invalidRate: 0.05, duplicateRate: 0.02, lateRate: 0.05, offsetRate: 0.2 },
  });
  const out = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) out.push(r);
  return { out, truth: sim.truth() };
}

async function keys(store: ReturnType<typeof createMemoryObjectStore>) {
  const all: string[] = [];
  for await (const o of listAll(store, '')) all.push(o.key);
  return all.sort();
}

describe('landRecords', () => {
  it('puts every valid record in raw by event-time hour and every invalid one in the quarantine', async () => {
    const { out, truth } = records(3);
    const store = createMemoryObjectStore();
    const report = await landRecords(store, out);
    expect(report).toMatchObject({
      records: truth.records.total,
      raw: truth.records.valid,
      quarantined: truth.records.invalid,
    });
    const lines = [];
    for await (const l of readRawLines(store, {
      fromMs: Date.UTC(2026, 2, 1),
      toMs: Date.UTC(2026, 2, 6),
    }))
      lines.push(l);
    expect(lines).toHaveLength(truth.records.valid);
    for (const { key, line } of lines.slice(0, 200)) {
      const event = JSON.parse(line.toString('utf8')) as { event_time: string };
      const hour = new Date(
        Math.floor(Date.parse(event.event_time) / 3_600_000) * 3_600_000,
      ).toISOString();
      expect(key).toContain(`/dt=${hour.slice(0, 10)}/hour=${hour.slice(11, 13)}/`);
    }
    let quarantined = 0;
    for await (const r of readQuarantine(store, await quarantineDays(store))) {
      quarantined++;
      expect(truth.invalid_by_reason[r.reason]).toBeGreaterThan(0);
    }
    expect(quarantined).toBe(truth.records.invalid);
  });

  it('names files deterministically: landing again rewrites the same objects', async () => {
    const { out } = records(4);
    const store = createMemoryObjectStore();
    await landRecords(store, out);
    const first = await keys(store);
    await landRecords(store, out);
    expect(await keys(store)).toEqual(first);
    expect(
      first.every((k) =>
        /^(raw\/topic=\w+\/dt=[\d-]+\/hour=\d\d|quarantine\/dt=[\d-]+\/topic=\w+)\/\w+\+0\+\d+\.jsonl\.gz$/.test(
          k,
        ),
      ),
    ).toBe(true);
  });
});
