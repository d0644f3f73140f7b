import type { CuratedParquet } from '@shoplens/native';
import { CURATED_DICTIONARY_COLUMNS, type CuratedDataset, type ShopEvent } from '@shoplens/schemas';
import {
  encodeParquet,
  listAll,
  parquetDayPrefix,
  parquetKey,
  putParquet,
  type ObjectStore,
  type ParquetDay,
} from '@shoplens/storage';
import { orderItemsTable, type Purchase } from '@shoplens/transforms';
import { CuratedEventColumns } from './spill/curated-columns.js';
import { nativeCuratedParquet } from './spill/curated-parquet.js';
import { encodeEvent, RecordBuffer } from './spill/event-record.js';

export interface PartOptions {
  /** Prefix of the part names (one per worker thread). */
  readonly prefix?: string;
  readonly rowsPerPart?: number;
  /**
   * Who encodes the Parquet: the compiled addon from spill records (the default; the
   * script engine when it is not built), or Arrow tables and parquet-wasm. The files
   * hold the same rows either way.
   */
  readonly engine?: 'native' | 'script';
}

/**
 * Streams rows of a curated dataset of a day into
 * `curated/<dataset>/tz=<tz>/dt=<day>/part-<prefix>NNNNN.parquet`
 * in parts of bounded size, so the day never has to fit in memory. Several writers (one
 * per worker thread) share a day with distinct prefixes; once all are closed,
 * {@link removeStaleParts} deletes what an earlier run left beyond the parts written now.
 * A subclass holds the part's rows and encodes them ({@link encode}).
 */
abstract class PartWriter {
  readonly #store: ObjectStore;
  readonly #where: ParquetDay;
  readonly #prefix: string;
  readonly #rowsPerPart: number;
  #pending: Promise<void> = Promise.resolve();
  readonly #written: string[] = [];
  #inPart = 0;
  rows = 0;

  constructor(
    store: ObjectStore,
    where: { readonly dataset: CuratedDataset; readonly day: string; readonly tz: string },
    options: PartOptions,
  ) {
    this.#store = store;
    this.#where = { zone: 'curated', ...where };
    this.#prefix = options.prefix ?? '';
    // Parts of 25k rows keep the rows waiting for encoding, and the encoder's memory (a
    // WebAssembly heap, which never shrinks, for parquet-wasm), small: two threads encode at once.
    this.#rowsPerPart = options.rowsPerPart ?? 25_000;
  }

  /** The Parquet file of the rows added since the last part; the subclass starts a new part. */
  protected abstract encode(): Uint8Array;

  /** Rows the part has room for. */
  protected get room(): number {
    return this.#rowsPerPart - this.#inPart;
  }

  /** `n` rows were added; a part they completed is returned as a promise, to wait for before the next. */
  protected added(n = 1): Promise<void> | undefined {
    this.rows += n;
    this.#inPart += n;
    return this.#inPart >= this.#rowsPerPart ? this.#flush() : undefined;
  }

  async #flush(): Promise<void> {
    const file = this.encode();
    this.#inPart = 0;
    // One part in flight while the next fills: encoding overlaps with reading.
    await this.#pending;
    const part = `${this.#prefix}${String(this.#written.length).padStart(5, '0')}`;
    const key = parquetKey(this.#where, part);
    this.#written.push(key);
    this.#pending = putParquet(this.#store, key, file);
  }

  /** Writes the last part (an empty one if nothing was written) and returns every key written. */
  async close(): Promise<string[]> {
    if (this.#inPart > 0 || this.#written.length === 0) await this.#flush();
    await this.#pending;
    return [...this.#written];
  }
}

/** The compiled writer for a dataset, unless the script engine is asked for or the addon is not built. */
function compiledFor(dataset: CuratedDataset, options: PartOptions): CuratedParquet | undefined {
  return (options.engine ?? 'native') === 'native' ? nativeCuratedParquet(dataset) : undefined;
}

/** A purchase as a spill record, for the compiled writer (its key words are not read). */
class PurchaseRecord {
  readonly #out = new RecordBuffer(1024);
  readonly #key = new Int32Array(4);

  encode(event: ShopEvent, eventTimeMs: number): Buffer {
    this.#out.at = 0;
    encodeEvent(this.#out, this.#key, event, eventTimeMs, true);
    return this.#out.buf;
  }
}

/**
 * Curated events (kept events of the day), streamed into parts: from spill records as
 * they are (compiled, or CuratedEventColumns), or from event objects.
 */
export class CuratedWriter extends PartWriter {
  readonly #compiled: CuratedParquet | undefined;
  readonly #columns: CuratedEventColumns | undefined;
  readonly #record = new PurchaseRecord();

  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: PartOptions = {},
  ) {
    super(store, { dataset: 'events', ...day }, options);
    this.#compiled = compiledFor('events', options);
    if (this.#compiled === undefined) this.#columns = new CuratedEventColumns();
  }

  /** Adds the event of the spill record at `buf[at]` (written with the curated columns). */
  appendRecord(buf: Buffer, at: number): Promise<void> | undefined {
    if (this.#compiled !== undefined) this.#compiled.append(buf, at);
    else this.#columns!.appendRecord(buf, at);
    return this.added();
  }

  /** Adds the events of the spill records at `offsets[0, count)` of `buf`. */
  async appendRecords(buf: Buffer, offsets: Float64Array, count: number): Promise<void> {
    for (let i = 0; i < count;) {
      const to = Math.min(count, i + this.room);
      if (this.#compiled !== undefined) this.#compiled.appendMany(buf, offsets, i, to);
      else for (let k = i; k < to; k++) this.#columns!.appendRecord(buf, offsets[k]!);
      const written = this.added(to - i);
      if (written !== undefined) await written;
      i = to;
    }
  }

  append(row: { event: ShopEvent; eventTimeMs: number }): Promise<void> | undefined {
    if (this.#compiled !== undefined)
      this.#compiled.append(this.#record.encode(row.event, row.eventTimeMs), 0);
    else this.#columns!.appendEvent(row.event, row.eventTimeMs);
    return this.added();
  }

  protected encode(): Uint8Array {
    if (this.#compiled !== undefined) return this.#compiled.finish();
    return encodeParquet(this.#columns!.finish(), {
      dictionaryColumns: CURATED_DICTIONARY_COLUMNS.events,
    });
  }
}

/** Curated order items (a row per line of each kept purchase), streamed into parts. */
export class OrderItemsWriter extends PartWriter {
  readonly #compiled: CuratedParquet | undefined;
  readonly #record = new PurchaseRecord();
  #orders: Purchase[] = [];

  constructor(
    store: ObjectStore,
    day: { readonly day: string; readonly tz: string },
    options: PartOptions = {},
  ) {
    // A purchase has a few lines: parts of 8k orders hold about 25k rows.
    super(store, { dataset: 'order_items', ...day }, { rowsPerPart: 8_000, ...options });
    this.#compiled = compiledFor('order_items', options);
  }

  append(order: Purchase): Promise<void> | undefined {
    if (this.#compiled !== undefined)
      this.#compiled.append(this.#record.encode(order.event, order.timeMs), 0);
    else this.#orders.push(order);
    return this.added();
  }

  protected encode(): Uint8Array {
    if (this.#compiled !== undefined) return this.#compiled.finish();
    const table = orderItemsTable(this.#orders);
    this.#orders = [];
    return encodeParquet(table, { dictionaryColumns: CURATED_DICTIONARY_COLUMNS.order_items });
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
