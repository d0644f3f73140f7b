import { parseEventLine } from '@shoplens/schemas';

/** A record as a test produced it to a topic. */
export interface ProducedRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string | null;
  readonly timestampMs: number;
}

export interface RealtimeMinuteRow {
  minute_start: string;
  currency: string;
  events: number;
  active_users: number;
  orders: number;
  revenue_cents: number;
  add_to_carts: number;
}

export interface RealtimeTodayRow {
  day: string;
  tz: string;
  currency: string;
  events: number;
  active_users: number;
  orders: number;
  revenue_cents: number;
  add_to_carts: number;
}

export interface RealtimeExpectation {
  readonly counts: { counted: number; duplicates: number; too_late: number; invalid: number };
  readonly minuteRows: RealtimeMinuteRow[];
  readonly todayRows: RealtimeTodayRow[];
}

interface Sales {
  orders: number;
  revenue_cents: number;
}

/**
 * What the streamer must write, by the rules of docs/streaming.md, recomputed from the
 * produced records alone and independently of the streamer's code: an event counts once
 * per minute (event_id), unless it arrived more than `latenessMs` after its time; an order
 * counts once, in the minute of its earliest purchase (then smallest event_id); today's
 * roll-up sums the minutes of each day of `timeZone`, with the day's distinct users.
 */
export function recomputeRealtime(
  records: readonly ProducedRecord[],
  options: { readonly latenessMs: number; readonly timeZone: string },
): RealtimeExpectation {
  const dayFormat = new Intl.DateTimeFormat('en-CA', {
    timeZone: options.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const dayOf = (ms: number) => dayFormat.format(ms);
  const counts = { counted: 0, duplicates: 0, too_late: 0, invalid: 0 };
  const minutes = new Map<number, { ids: Set<string>; users: Set<string>; carts: number }>();
  const orders = new Map<string, { id: string; t: number; currency: string; cents: number }[]>();
  const dayUsers = new Map<string, Set<string>>();
  for (const r of records) {
    const parsed = parseEventLine(r.value ?? '', { arrivalTimeMs: r.timestampMs });
    if (!parsed.ok) {
      counts.invalid++;
      continue;
    }
    const { event, eventTimeMs } = parsed;
    if (eventTimeMs < r.timestampMs - options.latenessMs) {
      counts.too_late++;
      continue;
    }
    const m = Math.floor(eventTimeMs / 60_000) * 60_000;
    const minute = minutes.get(m) ?? { ids: new Set(), users: new Set(), carts: 0 };
    minutes.set(m, minute);
    if (minute.ids.has(event.event_id)) {
      counts.duplicates++;
      continue;
    }
    counts.counted++;
    minute.ids.add(event.event_id);
    minute.users.add(event.user_id);
    const day = dayOf(eventTimeMs);
    dayUsers.set(day, (dayUsers.get(day) ?? new Set()).add(event.user_id));
    if (event.event_type === 'add_to_cart') minute.carts++;
    if (event.event_type === 'purchase') {
      const list = orders.get(event.order_id) ?? [];
      list.push({
        id: event.event_id,
        t: eventTimeMs,
        currency: event.currency,
        cents: event.items.reduce((s, i) => s + i.price_cents * i.quantity, 0),
      });
      orders.set(event.order_id, list);
    }
  }
  const sales = new Map<number, Map<string, Sales>>();
  for (const list of orders.values()) {
    const kept = list.reduce((a, b) => (b.t < a.t || (b.t === a.t && b.id < a.id) ? b : a));
    const m = Math.floor(kept.t / 60_000) * 60_000;
    const byCurrency = sales.get(m) ?? new Map<string, Sales>();
    sales.set(m, byCurrency);
    const s = byCurrency.get(kept.currency) ?? { orders: 0, revenue_cents: 0 };
    s.orders++;
    s.revenue_cents += kept.cents;
    byCurrency.set(kept.currency, s);
  }
  const byCurrencyRows = <T extends object>(base: T, cur: Map<string, Sales> | undefined) =>
    cur === undefined || cur.size === 0
      ? [{ ...base, currency: '', orders: 0, revenue_cents: 0 }]
      : [...cur].map(([currency, v]) => ({ ...base, currency, ...v }));

  const minuteRows: RealtimeMinuteRow[] = [...minutes]
    .flatMap(([m, s]) =>
      byCurrencyRows(
        {
          minute_start: new Date(m).toISOString(),
          events: s.ids.size,
          active_users: s.users.size,
          add_to_carts: s.carts,
        },
        sales.get(m),
      ),
    )
    .sort(
      (a, b) =>
        a.minute_start.localeCompare(b.minute_start) || a.currency.localeCompare(b.currency),
    );

  const days = new Map<string, { events: number; carts: number; cur: Map<string, Sales> }>();
  for (const [m, s] of minutes) {
    const d = days.get(dayOf(m)) ?? { events: 0, carts: 0, cur: new Map<string, Sales>() };
    days.set(dayOf(m), d);
    d.events += s.ids.size;
    d.carts += s.carts;
    for (const [currency, v] of sales.get(m) ?? []) {
      const c = d.cur.get(currency) ?? { orders: 0, revenue_cents: 0 };
      c.orders += v.orders;
      c.revenue_cents += v.revenue_cents;
      d.cur.set(currency, c);
    }
  }
  const todayRows: RealtimeTodayRow[] = [...days]
    .flatMap(([day, d]) =>
      byCurrencyRows(
        {
          day,
          tz: options.timeZone,
          events: d.events,
          active_users: dayUsers.get(day)?.size ?? 0,
          add_to_carts: d.carts,
        },
        d.cur,
      ),
    )
    .sort((a, b) => a.day.localeCompare(b.day) || a.currency.localeCompare(b.currency));
  return { counts, minuteRows, todayRows };
}
