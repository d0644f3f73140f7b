import fc from 'fast-check';
import { UuidSet } from './uuid-set.js';

describe('UuidSet', () => {
  it('behaves like a Set of lower-cased UUID strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uuid(), { maxLength: 3000 }),
        fc.integer({ min: 1, max: 64 }),
        (ids, capacity) => {
          const ours = new UuidSet(capacity);
          const model = new Set<string>();
          for (const id of [...ids, ...ids.slice(0, ids.length >> 1).map((s) => s.toUpperCase())]) {
            expect(ours.add(id)).toBe(!model.has(id.toLowerCase()));
            model.add(id.toLowerCase());
          }
          expect(ours.size).toBe(model.size);
          for (const id of model) expect(ours.has(id)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('counts and packs the members that other sets do not hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.uuid(), { maxLength: 500 }), { minLength: 1, maxLength: 4 }),
        (groups) => {
          const sets = groups.map((ids) => {
            const s = new UuidSet();
            for (const id of ids) s.add(id);
            return s;
          });
          const [first, ...others] = sets;
          const model = new Set(groups[0]!.map((id) => id.toLowerCase()));
          for (const ids of groups.slice(1)) for (const id of ids) model.delete(id.toLowerCase());
          expect(first!.countNotIn(others)).toBe(model.size);
          const back = new UuidSet();
          expect(back.addBytes(first!.toBytesNotIn(others))).toBe(model.size);
          for (const id of model) expect(back.has(id)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("packs its members as the UUIDs' bytes and reads them back, also into shared memory", () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 3000 }), fc.boolean(), (ids, shared) => {
        const a = new UuidSet();
        for (const id of ids) a.add(id);
        const bytes = a.toBytes();
        expect(bytes.length).toBe(a.size * 16);
        const b = new UuidSet(a.size, { shared });
        expect(b.addBytes(bytes)).toBe(a.size);
        expect(b.addBytes(bytes)).toBe(0);
        for (const id of ids) expect(b.has(id)).toBe(true);
        expect(b.has('00000000-0000-0000-0000-000000000000')).toBe(
          ids.some((id) => /^[0-]+$/.test(id)),
        );
      }),
    );
    const one = new UuidSet();
    one.add('0102030a-0b0c-4d0e-8f10-111213141516');
    expect(Buffer.from(one.toBytes()).toString('hex')).toBe('0102030a0b0c4d0e8f10111213141516');
    expect(() => one.addBytes(new Uint8Array(15))).toThrow(/16 bytes/);
  });

  it('merges another set', () => {
    const a = new UuidSet();
    const b = new UuidSet();
    a.add('00000000-0000-4000-8000-000000000001');
    b.add('00000000-0000-4000-8000-000000000001');
    b.add('00000000-0000-4000-8000-000000000002');
    a.addAll(b);
    expect(a.size).toBe(2);
  });

  it('intersects like Sets do', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uuid(), { maxLength: 2000 }),
        fc.array(fc.uuid(), { maxLength: 2000 }),
        fc.array(fc.uuid(), { maxLength: 500 }),
        (left, right, both) => {
          const a = new UuidSet();
          const b = new UuidSet(4);
          for (const id of [...left, ...both]) a.add(id);
          for (const id of [...right, ...both]) b.add(id);
          const model = new Set([...left, ...both].filter((id) => b.has(id)));
          for (const common of [a.intersection(b), b.intersection(a)]) {
            expect(common.size).toBe(model.size);
            for (const id of model) expect(common.has(id)).toBe(true);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('rejects what is not a UUID', () => {
    expect(() => new UuidSet().add('not-a-uuid')).toThrow(TypeError);
    expect(new UuidSet().has('0000000g-0000-4000-8000-000000000001')).toBe(false);
  });
});
