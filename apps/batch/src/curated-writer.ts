import type { ShopEvent } from '@shoplens/schemas';
import {
  listAll,
  parquetDayPrefix,
  parquetKey,
  writeParquet,
  type ObjectStore,
  type ParquetDay,
} from '@shoplens/storage';
import { curatedEventsTable, orderItemsTable, type Purchase } from '@shoplens/transforms';

type CuratedDataset = 'events' | 'order_items';
type Table = ReturnType<typeof curatedEventsTable>;

/**
 * Streams rows of a curated dataset of a day into
 * `curated/<dataset>/tz=<tz>/dt=<day>/part-<prefix>NNNNN.parquet`
 * in parts of bounded size, so the day never has to fit in memory. Several writers (one
 * per worker thread) share a day with distinct prefixes; once all are closed,
 * {@link removeStaleParts} deletes what an earlier run left beyond the parts written now.
 */
class PartWriter<Row> {
  readonly #store: ObjectStore;
  readonly #where: ParquetDay;
  readonly #prefix: string;
  readonly #rowsPerPart: number;
  readonly #table: (rows: Row[]) => Table;
  #rows: Row[] = [];
  #pending: Promise<void> = Promise.resolve();
  readonly #written: string[] = [];
  rows = 0;

  constructor(
    store: ObjectStore,
    where: { readonly dataset: CuratedDataset; readonly day: string; readonly tz: string },
    table: (rows: Row[]) => Table,
    options: { prefix?: string; rowsPerPart?: number },
  ) {
    this.#store = store;
    this.#where = { zone: 'curated', ...where };
    this.#table = table;
    this.#prefix = options.prefix ?? '';
    // Parts of 25k rows keep the events waiting for encoding, and the encoder's memory (a
    // WebAssembly heap, which never shrinks), small: two threads encode at once.
    this.#rowsPerPart = options.rowsPerPart ?? 25_000;
  }

  /** Adds a row; a part it completed is returned as a promise, to wait for before the next. */
  append(row: Row): Promise<void> | undefined {
    this.#rows.push(row);
    this.rows++;
    return this.#rows.length >= this.#rowsPerPart ? this.#flush() : undefined;
  }

  async #flush(): Promise<void> {
    const rows = this.#rows;
    this.#rows = [];
    // One part in flight while the next fills: encoding overlaps with reading.
    await this.#pending;
    const part = `${this.#prefix}${String(this.#written.length).padStart(5, '0')}`;
    const key = parquetKey(this.#where, part);
    this.#written.push(key);
    this.#pending = writeParquet(this.#store, key, this.#table(rows));
  }

  /** Writes the last part (an empty one if nothing was written) and returns every key written. */
  async close(): Promise<string[]> {
    if (this.#rows.length > 0 || this.#written.length === 0) await this.#flush();
    await this.#pending;
    return [...this.#written];
  }
}

/** Curated events (kept events of the day), streamed into parts. */
export class CuratedWriter extends PartWriter<{ event: ShopEvent; eventTimeMs: number }> {
  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: { prefix?: string; rowsPerPart?: number } = {},
  ) {
    super(store, { dataset: 'events', ...day }, curatedEventsTable, options);
  }
}

/** Curated order items (a row per line of each kept purchase), streamed into parts. */
export class OrderItemsWriter extends PartWriter<Purchase> {
  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: { prefix?: string; rowsPerPart?: number } = {},
  ) {
    // A purchase has a few lines: parts of 8k orders hold about 25k rows.
    super(store, { dataset: 'order_items', ...day }, orderItemsTable, {
      rowsPerPart: 8_000,
      ...options,
    });
  }
}

/** Deletes the parts of a day partition that are not in `keep`. */
export async function removeStaleParts(
  store: ObjectStore,
  where: ParquetDay,
  keep: readonly string[],
): Promise<void> {
  const kept = new Set(keep);
  for await (const object of listAll(store, parquetDayPrefix(where))) {
    if (!kept.has(object.key)) await store.delete(object.key);
  }
}
