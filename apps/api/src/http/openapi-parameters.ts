/** The query parameters the API's operations share. */

export interface ParameterObject {
  readonly name: string;
  readonly in: 'query' | 'header';
  readonly required?: boolean;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

const DATE = {
  type: 'string',
  format: 'date',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  examples: ['2026-03-02'],
} as const;

export const tz: ParameterObject = {
  name: 'tz',
  in: 'query',
  description:
    "IANA reporting time zone whose rows to read (KPI rows are keyed by day and zone); default the server's REPORT_TZ, else UTC.",
  schema: {
    type: 'string',
    pattern: '^[A-Za-z][A-Za-z0-9_+\\-/]{0,63}$',
    examples: ['UTC', 'Europe/Berlin'],
  },
};
export const from: ParameterObject = {
  name: 'from',
  in: 'query',
  required: true,
  description: 'First local day, YYYY-MM-DD.',
  schema: DATE,
};
export const to: ParameterObject = {
  name: 'to',
  in: 'query',
  required: true,
  description: 'Last local day, YYYY-MM-DD, included; from <= to and at most 366 days in all.',
  schema: DATE,
};
export const format: ParameterObject = {
  name: 'format',
  in: 'query',
  description: 'csv for text/csv (as does `Accept: text/csv`); default json.',
  schema: { type: 'string', enum: ['json', 'csv'] },
};
