type Cell = string | number | boolean | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as RFC 4180 CSV with a header line. A nested object (revenue per currency) becomes
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
