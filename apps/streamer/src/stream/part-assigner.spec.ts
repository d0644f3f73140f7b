import { assignParts, commonPartitionCount } from './part-assigner.js';

const topics = (counts: Record<string, number>) =>
  new Map(Object.entries(counts).map(([t, n]) => [t, Array.from({ length: n }, (_, i) => i)]));

describe('assignParts', () => {
  it('gives partition n of every topic to one member, oldest member first', () => {
    const out = assignParts(
      [
        { memberId: 'b', startedAtMs: 2 },
        { memberId: 'a', startedAtMs: 1 },
      ],
      topics({ pageviews: 3, cart: 3, orders: 3 }),
    );
    expect(Object.fromEntries(out)).toEqual({
      a: { pageviews: [0, 2], cart: [0, 2], orders: [0, 2] },
      b: { pageviews: [1], cart: [1], orders: [1] },
    });
  });

  it('leaves members beyond the partition count with nothing', () => {
    const out = assignParts(
      [1, 2, 3].map((i) => ({ memberId: `m${i}`, startedAtMs: i })),
      topics({ pageviews: 2, orders: 2 }),
    );
    expect(out.get('m3')).toEqual({});
    expect(out.get('m1')).toEqual({ pageviews: [0], orders: [0] });
  });

  it('gives everything to the oldest member when partition counts differ', () => {
    const out = assignParts(
      [
        { memberId: 'new', startedAtMs: 5 },
        { memberId: 'old', startedAtMs: 3 },
      ],
      topics({ pageviews: 3, orders: 2 }),
    );
    expect(Object.fromEntries(out)).toEqual({
      old: { pageviews: [0, 1, 2], orders: [0, 1] },
      new: {},
    });
  });

  it('orders members of one start time by id, so every leader decides alike', () => {
    const members = [
      { memberId: 'z', startedAtMs: 1 },
      { memberId: 'y', startedAtMs: 1 },
    ];
    const one = assignParts(members, topics({ t: 2 }));
    const two = assignParts([...members].reverse(), topics({ t: 2 }));
    expect(Object.fromEntries(one)).toEqual(Object.fromEntries(two));
    expect(one.get('y')).toEqual({ t: [0] });
  });
});

describe('commonPartitionCount', () => {
  it('is the count when all agree, undefined otherwise', () => {
    expect(commonPartitionCount([3, 3, 3])).toBe(3);
    expect(commonPartitionCount([3, 2])).toBeUndefined();
    expect(commonPartitionCount([])).toBeUndefined();
  });
});
