import type { Database } from '@shoplens/storage';
import { LruCache } from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import { dayCount, daysOf, todayIn } from './days.js';
import type { DayRange } from './kpi-queries.js';
import { succeededDays } from './kpi-queries.js';

/**
 * Which days are closed: before today in their zone and loaded by a succeeded batch
 * run. A closed day stays closed (runs are never deleted and time only moves on), so
 * every closed day found is remembered and a range already known costs no query.
 */
export class ClosedDays {
  // Per zone; the zones asked for are bounded by the LRU, the days by the runs that exist.
  private readonly known = new LruCache<string, Set<string>>(64);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number,
  ) {}

  /** Whether every day of the range is closed: its figures will not change. */
  async allClosed(range: DayRange): Promise<boolean> {
    const today = todayIn(range.tz, this.now());
    if (range.to >= today) return false;
    let known = this.known.get(range.tz);
    if (known !== undefined && daysOf(range.from, range.to).every((d) => known!.has(d)))
      return true;
    const days = await succeededDays(this.db, range, today);
    if (known === undefined) {
      known = new Set();
      this.known.set(range.tz, known);
    }
    for (const d of days) known.add(d);
    return days.length === dayCount(range.from, range.to);
  }
}
