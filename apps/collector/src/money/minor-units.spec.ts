import fc from 'fast-check';
import { currencyExponent } from './currency-exponents.js';
import { toMinorUnits } from './minor-units.js';

const value = (amount: unknown, currency: string) => {
  const r = toMinorUnits(amount, currency);
  if (!r.ok) throw new Error(`${String(amount)} ${currency}: ${r.message}`);
  return r.value;
};

describe('currencyExponent', () => {
  it('follows ISO 4217, not the display digits of CLDR', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('IQD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(currencyExponent('RSD')).toBe(2);
  });

  it('lists no exponent for codes without a minor unit or not in the standard', () => {
    for (const code of ['XAU', 'XDR', 'XXX', 'ABC', 'usd', ''])
      expect(currencyExponent(code)).toBeUndefined();
  });
});

describe('toMinorUnits', () => {
  it('scales exactly by the exponent', () => {
    expect(value(19.99, 'EUR')).toBe(1999);
    expect(value(0.29, 'USD')).toBe(29);
    expect(value(1.005, 'KWD')).toBe(1005);
    expect(value(1200, 'JPY')).toBe(1200);
    expect(value(4.1, 'EUR')).toBe(410);
    expect(value(0, 'EUR')).toBe(0);
    expect(value(12.3456, 'CLF')).toBe(123456);
    // The floating-point product would be 1998.9999999999998.
    expect(19.99 * 100).not.toBe(1999);
  });

  it('reads numeric strings and exponent notation as decimals', () => {
    expect(value('19.99', 'EUR')).toBe(1999);
    expect(value(' 19.990 ', 'EUR')).toBe(1999);
    expect(value('1.5e1', 'JPY')).toBe(15);
    expect(value('1e-2', 'EUR')).toBe(1);
    expect(value('.5', 'EUR')).toBe(50);
    expect(value('7.', 'EUR')).toBe(700);
    expect(value(1e21 / 1e10, 'JPY')).toBe(1e11);
  });

  it('keeps the sign, for the contract to judge', () => {
    expect(value(-5.25, 'EUR')).toBe(-525);
    expect(value('-0', 'EUR')).toBe(0);
  });

  it('refuses an amount the currency cannot express, instead of rounding it', () => {
    for (const [amount, currency] of [
      [1.5, 'JPY'],
      [19.999, 'EUR'],
      ['0.0001', 'KWD'],
      [1e-7, 'USD'],
    ] as const) {
      const r = toMinorUnits(amount, currency);
      expect(r).toMatchObject({ ok: false, reason: 'inexact_amount' });
    }
    expect(toMinorUnits('19.9900001', 'EUR')).toMatchObject({
      ok: false,
      reason: 'inexact_amount',
    });
  });

  it('refuses unknown currencies and what is not a decimal', () => {
    expect(toMinorUnits(1, 'XAU')).toMatchObject({ ok: false, reason: 'unknown_currency' });
    for (const bad of ['', '.', 'abc', '1,50', '0x10', NaN, Infinity, null, true, {}, '1e']) {
      expect(toMinorUnits(bad, 'EUR')).toMatchObject({ ok: false, reason: 'invalid_amount' });
    }
    expect(toMinorUnits(1e300, 'EUR')).toMatchObject({ ok: false, reason: 'invalid_amount' });
    expect(toMinorUnits('1e999999999', 'EUR')).toMatchObject({
      ok: false,
      reason: 'invalid_amount',
    });
    expect(toMinorUnits('90071992547409.92', 'EUR')).toMatchObject({
      ok: false,
      reason: 'invalid_amount',
    });
  });

  it('is exact past 15 digits and at the largest safe integer', () => {
    expect(value('90071992547409.91', 'EUR')).toBe(Number.MAX_SAFE_INTEGER);
    expect(value('0000000000000000019.99', 'EUR')).toBe(1999);
    expect(value('0e999999999', 'EUR')).toBe(0);
    expect(value('1234567890123.4500', 'EUR')).toBe(123456789012345);
  });

  it('gives back the minor units of every price a client writes as a JSON number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000_000 }),
        fc.constantFrom('JPY', 'EUR', 'KWD', 'CLF'),
        (minor, currency) => {
          const e = currencyExponent(currency)!;
          const text =
            e === 0
              ? String(minor)
              : `${Math.floor(minor / 10 ** e)}.${String(minor % 10 ** e).padStart(e, '0')}`;
          // What JSON.parse makes of the text the client wrote.
          expect(value(JSON.parse(text), currency)).toBe(minor);
          expect(value(text, currency)).toBe(minor);
        },
      ),
    );
  });
});
