import { currencyExponent } from './currency-exponents.js';

export type MinorUnits =
  | { readonly ok: true; readonly value: number }
  | {
      readonly ok: false;
      readonly reason: 'unknown_currency' | 'inexact_amount' | 'invalid_amount';
      readonly message: string;
    };

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal amount (a JSON number or a numeric string) in integer minor units of
 * `currency`, by its ISO 4217 exponent, with decimal arithmetic on the digits: 19.99 EUR
 * is 1999, never 1998.9999…. A number is read as the shortest decimal that denotes it
 * (what JSON.stringify writes back), so the digits a client sent are the digits used. An
 * amount with more decimals than the currency has (1.5 JPY, 19.999 EUR) is refused, not
 * rounded.
 */
export function toMinorUnits(amount: unknown, currency: string): MinorUnits {
  const exponent = currencyExponent(currency);
  if (exponent === undefined)
    return {
      ok: false,
      reason: 'unknown_currency',
      message: `${JSON.stringify(currency)} is not an ISO 4217 currency with a minor unit`,
    };
  const text =
    typeof amount === 'number' && Number.isFinite(amount)
      ? String(amount)
      : typeof amount === 'string'
        ? amount.trim()
        : undefined;
  const parts = text === undefined ? null : DECIMAL.exec(text);
  if (parts === null || (parts[2] === '' && (parts[3] ?? '') === ''))
    return {
      ok: false,
      reason: 'invalid_amount',
      message: `expected a decimal amount, got ${JSON.stringify(amount)}`,
    };
  const [, sign, whole = '', fraction = '', power = '0'] = parts;
  // All digits as one integer, and where the decimal point sits among them.
  const digits = `${whole}${fraction}`;
  const scale = exponent - fraction.length + Number(power);
  let kept: string;
  let zeros: number;
  if (scale >= 0) {
    kept = digits;
    zeros = scale;
  } else {
    const cut = digits.length + scale;
    kept = cut > 0 ? digits.slice(0, cut) : '0';
    const dropped = cut > 0 ? digits.slice(cut) : digits;
    if (/[^0]/.test(dropped))
      return {
        ok: false,
        reason: 'inexact_amount',
        message: `${text} ${currency} has more decimals than the currency's ${exponent}`,
      };
    zeros = 0;
  }
  // Up to 15 digits times a power of ten up to 10^22 are exact doubles, and so is their
  // product while it stays a safe integer; beyond that, BigInt (and no 10^huge at all).
  const minor =
    zeros > 22
      ? /[^0]/.test(kept)
        ? Number.POSITIVE_INFINITY
        : 0
      : kept.length <= 15
        ? Number(kept) * 10 ** zeros
        : Number(BigInt(kept) * 10n ** BigInt(zeros));
  if (minor > Number.MAX_SAFE_INTEGER)
    return { ok: false, reason: 'invalid_amount', message: `${text} ${currency} is too large` };
  return { ok: true, value: sign === '-' && minor !== 0 ? -minor : minor };
}
