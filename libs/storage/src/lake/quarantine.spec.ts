import { createMemoryObjectStore } from '../object-store/memory-object-store.js';
import { quarantineDays, readQuarantine, writeQuarantineFile } from './quarantine.js';
import type { QuarantineRecord } from './quarantine.js';

describe('quarantine', () => {
  it('keeps the original bytes, reason, position and arrival time', async () => {
    const store = createMemoryObjectStore();
    const arrivalMs = Date.parse('2026-03-01T23:59:59.500Z');
    const notUtf8 = Uint8Array.from([0xff, 0xfe, 0x7b]);
    const records: QuarantineRecord[] = [
      {
        topic: 'cart',
        partition: 1,
        offset: '41',
        arrivalMs,
        reason: 'invalid_json',
        issues: [{ path: '', code: 'invalid_json', message: 'bad' }],
        key: null,
        value: notUtf8,
      },
      {
        topic: 'cart',
        partition: 1,
        offset: '42',
        arrivalMs,
        reason: 'missing_field',
        issues: [{ path: 'user_id', code: 'missing_field', message: 'required' }],
        key: Buffer.from('u1'),
        value: Buffer.from('{"x":1}'),
      },
    ];
    const key = await writeQuarantineFile(
      store,
      { topic: 'cart', partition: 1, startOffset: '41', arrivalMs },
      records,
    );
    expect(key).toBe('quarantine/dt=2026-03-01/topic=cart/cart+1+0000000000000000041.jsonl.gz');
    expect(await quarantineDays(store)).toEqual(['2026-03-01']);

    const back = [];
    for await (const r of readQuarantine(store, ['2026-03-01'])) back.push(r);
    expect(back.map((r) => [r.offset, r.reason, r.arrivalMs, r.file])).toEqual([
      ['41', 'invalid_json', arrivalMs, key],
      ['42', 'missing_field', arrivalMs, key],
    ]);
    expect(Buffer.from(back[0]!.value)).toEqual(Buffer.from(notUtf8));
    expect(back[0]!.key).toBeNull();
    expect(Buffer.from(back[1]!.key!).toString()).toBe('u1');
    expect(back[1]!.issues).toEqual(records[1]!.issues);
  });
});
