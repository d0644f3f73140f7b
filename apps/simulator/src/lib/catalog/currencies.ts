/** What the simulator knows of a currency: a rough rate from USD and where it is spent. */
export interface CurrencyInfo {
  readonly code: string;
  /** Units of this currency per US dollar (for pricing only). */
  readonly perUsd: number;
  /** Digits of the minor unit: 2 for cents, 0 for yen. */
  readonly minorDigits: number;
  /** Countries (ISO 3166-1 alpha-2) of shoppers paying in it. */
  readonly countries: readonly string[];
}

const KNOWN: Readonly<Record<string, Omit<CurrencyInfo, 'code'>>> = {
  USD: { perUsd: 1, minorDigits: 2, countries: ['US', 'US', 'US', 'US', 'PR', 'EC'] },
  EUR: {
    perUsd: 0.92,
    minorDigits: 2,
    countries: ['DE', 'FR', 'ES', 'IT', 'NL', 'IE', 'AT', 'BE'],
  },
  GBP: { perUsd: 0.79, minorDigits: 2, countries: ['GB'] },
  CAD: { perUsd: 1.36, minorDigits: 2, countries: ['CA'] },
  AUD: { perUsd: 1.52, minorDigits: 2, countries: ['AU'] },
  CHF: { perUsd: 0.88, minorDigits: 2, countries: ['CH'] },
  SEK: { perUsd: 10.5, minorDigits: 2, countries: ['SE'] },
  JPY: { perUsd: 150, minorDigits: 0, countries: ['JP'] },
};

/** Any ISO 4217 code; codes not in the table are priced 1:1 with USD and carry no country. */
export function currencyInfo(code: string): CurrencyInfo {
  const known = KNOWN[code];
  return Object.freeze({ code, ...(known ?? { perUsd: 1, minorDigits: 2, countries: [] }) });
}

/** A USD price in cents, converted and rounded to a shop-like price ending in 9. */
export function convertPrice(usdCents: number, currency: CurrencyInfo): number {
  const major = (usdCents / 100) * currency.perUsd;
  if (currency.minorDigits === 0) return Math.max(9, Math.round(major / 10) * 10 - 1);
  const scale = 10 ** currency.minorDigits;
  return Math.max(scale - 1, Math.round(major) * scale - 1);
}
