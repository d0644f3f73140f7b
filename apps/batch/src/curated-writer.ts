import { CURATED_DICTIONARY_COLUMNS, type CuratedDataset, type ShopEvent } from '@shoplens/schemas';
import {
  listAll,
  parquetDayPrefix,
  parquetKey,
  writeParquet,
  type ObjectStore,
  type ParquetDay,
} from '@shoplens/storage';
import { orderItemsTable, type Purchase } from '@shoplens/transforms';
import { CuratedEventColumns } from './spill/curated-columns.js';

type Table = ReturnType<typeof orderItemsTable>;

/**
 * Streams rows of a curated dataset of a day into
 * `curated/<dataset>/tz=<tz>/dt=<day>/part-<prefix>NNNNN.parquet`
 * in parts of bounded size, so the day never has to fit in memory. Several writers (one
 * per worker thread) share a day with distinct prefixes; once all are closed,
 * {@link removeStaleParts} deletes what an earlier run left beyond the parts written now.
 * A subclass holds the part's rows and makes them a table ({@link take}).
 */
abstract class PartWriter {
  readonly #store: ObjectStore;
  readonly #where: ParquetDay;
  readonly #prefix: string;
  readonly #rowsPerPart: number;
  readonly #dictionary: readonly string[];
  #pending: Promise<void> = Promise.resolve();
  readonly #written: string[] = [];
  #inPart = 0;
  rows = 0;

  constructor(
    store: ObjectStore,
    where: { readonly dataset: CuratedDataset; readonly day: string; readonly tz: string },
    options: { prefix?: string; rowsPerPart?: number },
  ) {
    this.#store = store;
    this.#where = { zone: 'curated', ...where };
    this.#dictionary = CURATED_DICTIONARY_COLUMNS[where.dataset];
    this.#prefix = options.prefix ?? '';
    // Parts of 25k rows keep the rows waiting for encoding, and the encoder's memory (a
    // WebAssembly heap, which never shrinks), small: two threads encode at once.
    this.#rowsPerPart = options.rowsPerPart ?? 25_000;
  }

  /** The rows added since the last part, as a table; the subclass starts a new part. */
  protected abstract take(): Table;

  /** A row was added; a part it completed is returned as a promise, to wait for before the next. */
  protected added(): Promise<void> | undefined {
    this.rows++;
    return ++this.#inPart >= this.#rowsPerPart ? this.#flush() : undefined;
  }

  async #flush(): Promise<void> {
    const table = this.take();
    this.#inPart = 0;
    // One part in flight while the next fills: encoding overlaps with reading.
    await this.#pending;
    const part = `${this.#prefix}${String(this.#written.length).padStart(5, '0')}`;
    const key = parquetKey(this.#where, part);
    this.#written.push(key);
    this.#pending = writeParquet(this.#store, key, table, {
      dictionaryColumns: this.#dictionary,
    });
  }

  /** Writes the last part (an empty one if nothing was written) and returns every key written. */
  async close(): Promise<string[]> {
    if (this.#inPart > 0 || this.#written.length === 0) await this.#flush();
    await this.#pending;
    return [...this.#written];
  }
}

/**
 * Curated events (kept events of the day), streamed into parts: from spill records as
 * they are (CuratedEventColumns), or from event objects.
 */
export class CuratedWriter extends PartWriter {
  readonly #columns = new CuratedEventColumns();

  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: { prefix?: string; rowsPerPart?: number } = {},
  ) {
    super(store, { dataset: 'events', ...day }, options);
  }

  /** Adds the event of the spill record at `buf[at]` (written with the curated columns). */
  appendRecord(buf: Buffer, at: number): Promise<void> | undefined {
    this.#columns.appendRecord(buf, at);
    return this.added();
  }

  append(row: { event: ShopEvent; eventTimeMs: number }): Promise<void> | undefined {
    this.#columns.appendEvent(row.event, row.eventTimeMs);
    return this.added();
  }

  protected take(): Table {
    return this.#columns.finish();
  }
}

/** Curated order items (a row per line of each kept purchase), streamed into parts. */
export class OrderItemsWriter extends PartWriter {
  #orders: Purchase[] = [];

  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: { prefix?: string; rowsPerPart?: number } = {},
  ) {
    // A purchase has a few lines: parts of 8k orders hold about 25k rows.
    super(store, { dataset: 'order_items', ...day }, { rowsPerPart: 8_000, ...options });
  }

  append(order: Purchase): Promise<void> | undefined {
    this.#orders.push(order);
    return this.added();
  }

  protected take(): Table {
    const table = orderItemsTable(this.#orders);
    this.#orders = [];
    return table;
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
