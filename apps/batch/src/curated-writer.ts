import type { ShopEvent } from '@shoplens/schemas';
import {
  listAll,
  parquetDayPrefix,
  parquetKey,
  writeParquet,
  type ObjectStore,
} from '@shoplens/storage';
import { curatedEventsTable } from '@shoplens/transforms';

/**
 * Streams a day of curated events into `curated/events/dt=<day>/part-NNNNN.parquet` in
 * parts of bounded size, so the day never has to fit in memory; `finish` removes parts
 * an earlier run of the day left beyond the ones written now.
 */
export class CuratedWriter {
  readonly #store: ObjectStore;
  readonly #day: string;
  readonly #rowsPerPart: number;
  #rows: { event: ShopEvent; eventTimeMs: number }[] = [];
  #pending: Promise<void> = Promise.resolve();
  readonly #written: string[] = [];
  rows = 0;

  constructor(store: ObjectStore, day: string, rowsPerPart = 250_000) {
    this.#store = store;
    this.#day = day;
    this.#rowsPerPart = rowsPerPart;
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
    const key = parquetKey('curated', 'events', this.#day, this.#written.length);
    this.#written.push(key);
    this.#pending = writeParquet(this.#store, key, curatedEventsTable(rows));
  }

  /** Writes the last part and deletes stale ones; returns the keys written. */
  async finish(): Promise<string[]> {
    if (this.#rows.length > 0 || this.#written.length === 0) await this.#flush();
    await this.#pending;
    const keep = new Set(this.#written);
    for await (const object of listAll(
      this.#store,
      parquetDayPrefix('curated', 'events', this.#day),
    )) {
      if (!keep.has(object.key)) await this.#store.delete(object.key);
    }
    return [...this.#written];
  }
}
