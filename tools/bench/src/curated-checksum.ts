/**
 * What a side's curated Parquet holds, read back by DuckDB after the side's timed run:
 * both sides' files must hold the same rows (the bench compares these with the KPIs).
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface CuratedChecksum {
  readonly curated: number;
  readonly curatedIds: number;
  readonly curatedAmount: number;
  readonly lines: number;
  readonly lineValue: number;
}

/** `events` and `items`: globs of the curated events' and order items' files. */
export async function curatedChecksum(events: string, items: string): Promise<CuratedChecksum> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const one = async (sql: string) =>
    (await c.runAndReadAll(sql)).getRowObjectsJS()[0] as Record<string, unknown>;
  try {
    const e = await one(
      `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, sum(amount_cents) AS amount
         FROM read_parquet('${events}')`,
    );
    const i = await one(
      `SELECT count(*) AS n, sum(price_cents * quantity) AS value FROM read_parquet('${items}')`,
    );
    return {
      curated: Number(e['n']),
      curatedIds: Number(e['ids']),
      curatedAmount: Number(e['amount']),
      lines: Number(i['n']),
      lineValue: Number(i['value']),
    };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}
