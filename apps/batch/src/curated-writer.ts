import type { ShopEvent } from '@shoplens/schemas';
import {
  listAll,
  parquetDayPrefix,
  parquetKey,
  writeParquet,
  type ObjectStore,
  type ParquetDay,
} from '@shoplens/storage';
import { curatedEventsTable } from '@shoplens/transforms';

/**
 * Streams a day of curated events into
 * `curated/events/tz=<tz>/dt=<day>/part-<prefix>NNNNN.parquet`
 * in parts of bounded size, so the day never has to fit in memory. Several writers (one
 * per worker thread) share a day with distinct prefixes; once all are closed,
 * {@link removeStaleParts} deletes what an earlier run left beyond the parts written now.
 */
export class CuratedWriter {
  readonly #store: ObjectStore;
  readonly #where: ParquetDay;
  readonly #prefix: string;
  readonly #rowsPerPart: number;
  #rows: { event: ShopEvent; eventTimeMs: number }[] = [];
  #pending: Promise<void> = Promise.resolve();
  readonly #written: string[] = [];
  rows = 0;

  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: { prefix?: string; rowsPerPart?: number } = {},
  ) {
    this.#store = store;
    this.#where = { zone: 'curated', dataset: 'events', day: day.day, tz: day.tz };
    this.#prefix = options.prefix ?? '';
    // Parts of 100k rows keep the events waiting for encoding, and the encoder's memory, small.
    this.#rowsPerPart = options.rowsPerPart ?? 100_000;
  }

  /** Adds a row; resolves once the part it completed (if any) is written. */
  async append(event: ShopEvent, eventTimeMs: number): Promise<void> {
    this.#rows.push({ event, eventTimeMs });
    this.rows++;
    if (this.#rows.length >= this.#rowsPerPart) await this.#flush();
  }

  async #flush(): Promise<void> {
    const rows = this.#rows;
    this.#rows = [];
    // One part in flight while the next fills: encoding overlaps with reading.
    await this.#pending;
    const part = `${this.#prefix}${String(this.#written.length).padStart(5, '0')}`;
    const key = parquetKey(this.#where, part);
    this.#written.push(key);
    this.#pending = writeParquet(this.#store, key, curatedEventsTable(rows));
  }

  /** Writes the last part (an empty one if nothing was written) and returns every key written. */
  async close(): Promise<string[]> {
    if (this.#rows.length > 0 || this.#written.length === 0) await this.#flush();
    await this.#pending;
    return [...this.#written];
  }
}

/** Deletes the day's curated event parts that are not in `keep`. */
export async function removeStaleParts(
  store: ObjectStore,
  day: { readonly day: string; readonly tz: string },
  keep: readonly string[],
): Promise<void> {
  const kept = new Set(keep);
  const where = { zone: 'curated', dataset: 'events', ...day } as const;
  for await (const object of listAll(store, parquetDayPrefix(where))) {
    if (!kept.has(object.key)) await store.delete(object.key);
  }
}
