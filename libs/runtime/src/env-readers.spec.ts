import { commaList, envBoolean, envInteger } from './env-readers.js';

describe('environment readers', () => {
  it('read integers within bounds, with a fallback', () => {
    expect(envInteger({ N: '42' }, 'N', 1, 0, 100)).toBe(42);
    expect(envInteger({}, 'N', 7, 0)).toBe(7);
    expect(() => envInteger({ N: '4.5' }, 'N', 1, 0)).toThrow('N must be an integer from 0 to');
    expect(() => envInteger({ N: '101' }, 'N', 1, 0, 100)).toThrow(/got "101"/);
  });

  it('read booleans strictly', () => {
    expect(envBoolean({ B: 'false' }, 'B', true)).toBe(false);
    expect(envBoolean({ B: '' }, 'B', true)).toBe(true);
    expect(() => envBoolean({ B: 'yes' }, 'B', true)).toThrow('B must be true or false, got "yes"');
  });

  it('split comma lists', () => {
    expect(commaList(' a:1, b:2 ,,')).toEqual(['a:1', 'b:2']);
  });
});
