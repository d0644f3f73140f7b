import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it('stays bounded whatever keys arrive', () => {
    const cache = new LruCache<string, string>(16);
    for (let i = 0; i < 10_000; i++) cache.getOrSet(`key-${i}`, (k) => k.toUpperCase());
    expect(cache.size).toBe(16);
    expect(cache.get('key-9999')).toBe('KEY-9999');
    expect(cache.get('key-0')).toBeUndefined();
  });

  it('computes a missing value once and caches undefined-free results', () => {
    const cache = new LruCache<string, number | null>(4);
    let calls = 0;
    const make = () => {
      calls++;
      return null;
    };
    expect(cache.getOrSet('x', make)).toBeNull();
    expect(cache.getOrSet('x', make)).toBeNull();
    expect(calls).toBe(1);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
