const digits = new Map<string, number>();
function minorDigits(currency: string): number {
  let d = digits.get(currency);
  if (d === undefined) {
    d =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    digits.set(currency, d);
  }
  return d;
}
export const major = (cents: number, currency: string) => cents / 10 ** minorDigits(currency);
export const money = (cents: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(major(cents, currency));
export const count = (n: number) => new Intl.NumberFormat().format(n);

/** Sums `value` per `key`. */
export function sumBy<T>(
  rows: readonly T[],
  key: (r: T) => string,
  value: (r: T) => number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}
