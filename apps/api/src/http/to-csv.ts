type Cell = string | number | boolean | null | undefined;

// A text cell a spreadsheet would read as a formula (CSV injection, OWASP): `=`, `+`, `-`,
// `@`, and tab or carriage return, which some applications skip before looking.
const FORMULA_START = /^[=+\-@\t\r]/;

function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Only text is neutralised, as OWASP recommends: a leading single quote, in quotes. A
  // number stays a number, so a negative amount such as net_cents -250 reads as -250.
  if (typeof value === 'string' && FORMULA_START.test(text)) return quoted(`'${text}`);
  return /[",\r\n]/.test(text) ? quoted(text) : text;
}

/**
 * Rows as RFC 4180 CSV with a header line, safe to open in a spreadsheet: text that
 * starts like a formula is prefixed with `'` and quoted. A nested object (revenue per currency) becomes
 * one column per key, `revenue_cents_EUR`, over the keys of every row, sorted.
 */
export function toCsv(objects: readonly object[], columns: readonly string[]): string {
  const rows = objects as readonly Readonly<Record<string, unknown>>[];
  const expanded: string[] = [];
  const nested = new Map<string, string[]>();
  for (const column of columns) {
    const keys = new Set<string>();
    let isObject = false;
    for (const row of rows) {
      const v = row[column];
      if (v !== null && typeof v === 'object') {
        isObject = true;
        for (const k of Object.keys(v)) keys.add(k);
      }
    }
    if (isObject) {
      const sorted = [...keys].sort();
      nested.set(column, sorted);
      for (const k of sorted) expanded.push(`${column}_${k}`);
    } else expanded.push(column);
  }
  const lines = [expanded.map(cell).join(',')];
  for (const row of rows) {
    const cells: string[] = [];
    for (const column of columns) {
      const keys = nested.get(column);
      if (keys === undefined) cells.push(cell(row[column] as Cell));
      else {
        const v = (row[column] ?? {}) as Record<string, Cell>;
        for (const k of keys) cells.push(cell(v[k] ?? 0));
      }
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
