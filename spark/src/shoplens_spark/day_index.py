"""The cross-day index of the lake, read and written exactly as the batch does
(apps/batch/src/day-index.ts; docs/batch.md, "Orders and events across days").

- `index/event_ids/tz=<zone>/dt=D/part-NNNNN.parquet`: `event_id`, the UUID's 16 bytes,
  a million a part: every distinct valid event id of local day D, counted or not
- `index/orders/tz=<zone>/dt=D/part-00000.parquet`: `order_id`, and `event_id` and
  `event_time_ms` of the order's earliest purchase that day
- `index/days/tz=<zone>/dt=D/part-00000.parquet`: one row, `events`, `orders` and an
  order-independent fingerprint of each set (the batch's own digests, bit for bit), so a
  run of either engine tells whether the day's index changed.

Days of either engine's runs are read by the other: the two engines may be mixed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from .errors import JobError
from .lake import Lake, _lake_error, replace_day_objects
from .zones import HOUR_MS, DayPlan, day_of

IDS_PER_PART = 1_000_000
LOOKBACK_DEFAULT_HOURS = 24
LOOKBACK_MAX_HOURS = 7 * 24
_M64 = (1 << 64) - 1


def index_prefix(dataset: str, day: str, tz: str) -> str:
    return f"index/{dataset}/tz={tz.replace('/', '%2F')}/dt={day}/"


def part_name(n: int) -> str:
    return f"part-{n:05d}.parquet"


def lookback_days(plan: DayPlan, lookback_hours: int) -> list[str]:
    """The local days before the plan's day that overlap `[start - lookback, start)`."""
    if lookback_hours <= 0:
        return []
    days: set[str] = set()
    t = plan.start_ms - 1
    while t >= plan.start_ms - lookback_hours * HOUR_MS:
        days.add(day_of(plan.tz, t))
        t -= HOUR_MS
    days.add(day_of(plan.tz, plan.start_ms - lookback_hours * HOUR_MS))
    return sorted(days)


def _mix64(h: int) -> int:
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _M64
    return h ^ (h >> 31)


def keys_fingerprint(keys: np.ndarray) -> str:
    """keysFingerprint of day-index.ts over packed 16-byte keys (an (n, 16) uint8 array)."""
    n = len(keys)
    if n == 0:
        return f"{_mix64(0):016x}0"
    w = keys.reshape(n, 16).copy().view(">u4").astype(np.uint64).reshape(n, 4)
    mask = np.uint64(0xFFFFFFFF)

    def imul(a: np.ndarray, b: int) -> np.ndarray:
        return (a * np.uint64(b)) & mask

    h = imul(w[:, 0], 0x9E3779B1) ^ w[:, 1]
    h = imul(h ^ (h >> np.uint64(15)), 0x85EBCA6B) ^ w[:, 2]
    h = imul(h ^ (h >> np.uint64(13)), 0xC2B2AE35) ^ w[:, 3]
    h = imul(h ^ (h >> np.uint64(16)), 0x7FEB352D)
    lo = int(h.sum(dtype=np.uint64)) % (1 << 32)
    hi = int((((h ^ (h >> np.uint64(15))) & mask) * np.uint64(3)).sum(dtype=np.uint64)) % (1 << 32)
    # uint64 sums wrap mod 2^64, a multiple of 2^32: the low 32 bits are exact.
    return f"{_mix64((hi << 32) | lo):016x}{n:x}"


def strings_fingerprint(values: list[str]) -> str:
    """stringsFingerprint of day-index.ts: FNV-style over UTF-16 code units."""
    lo = hi = 0
    for v in values:
        h, g = 0x811C9DC5, 0x01000193
        units = v.encode("utf-16-be")
        for i in range(0, len(units), 2):
            c = (units[i] << 8) | units[i + 1]
            h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
            g = ((g ^ c) * 0x5BD1E995) & 0xFFFFFFFF
        lo = (lo + h) % (1 << 32)
        hi = (hi + g) % (1 << 32)
    return f"{_mix64((hi << 32) | lo):016x}{len(values):x}"


@dataclass(frozen=True)
class DaySummary:
    events: int
    orders: int
    events_fingerprint: str
    orders_fingerprint: str


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def _part_keys(lake: Lake, prefix: str) -> list[str]:
    fs = lake.filesystem()
    try:
        infos = fs.get_file_info(pafs.FileSelector(lake.path(prefix.rstrip("/")), allow_not_found=True))
    except OSError as cause:
        raise _lake_error(f"cannot read the cross-day index under {prefix}", cause) from cause
    return sorted(
        prefix + i.base_name
        for i in infos
        if i.type == pafs.FileType.File and i.base_name.startswith("part-") and i.base_name.endswith(".parquet")
    )


def read_summary(lake: Lake, day: str, tz: str) -> DaySummary | None:
    keys = _part_keys(lake, index_prefix("days", day, tz))
    if not keys:
        return None
    try:
        with lake.filesystem().open_input_file(lake.path(keys[0])) as f:
            rows = pq.read_table(f).to_pylist()
    except OSError as cause:
        raise _lake_error(f"cannot read the cross-day index of {day}", cause) from cause
    if not rows:
        return None
    r = rows[0]
    return DaySummary(int(r["events"]), int(r["orders"]), str(r["events_fingerprint"]), str(r["orders_fingerprint"]))


@dataclass(frozen=True)
class EarlierDays:
    days: list[str]
    #: Spark URIs of the event id parts of those days (column `event_id`, 16 bytes).
    event_parts: list[str]
    #: Spark URIs of their order parts (column `order_id`).
    order_parts: list[str]


def read_earlier_days(lake: Lake, plan: DayPlan, lookback_hours: int) -> EarlierDays:
    """The index of every day of the look-back: a day without one adds nothing."""
    days = lookback_days(plan, lookback_hours)
    events: list[str] = []
    orders: list[str] = []
    for d in days:
        events += [lake.spark_uri(k) for k in _part_keys(lake, index_prefix("event_ids", d, plan.tz))]
        orders += [lake.spark_uri(k) for k in _part_keys(lake, index_prefix("orders", d, plan.tz))]
    return EarlierDays(days, events, orders)


def write_day_index(lake: Lake, plan: DayPlan, event_keys: np.ndarray, orders: list[dict]) -> tuple[DaySummary, bool]:
    """Writes the day's index; says whether it differs from the previous run's."""
    day, tz = plan.day, plan.tz
    previous = read_summary(lake, day, tz)
    orders = sorted(orders, key=lambda o: o["order_id"].encode("utf-16-be"))
    summary = DaySummary(
        events=len(event_keys),
        orders=len(orders),
        events_fingerprint=keys_fingerprint(event_keys),
        orders_fingerprint=strings_fingerprint([o["order_id"] for o in orders]),
    )
    id_type = pa.binary(16)
    objects: dict[str, bytes] = {}
    at, n = 0, 0
    while at < len(event_keys) or n == 0:
        chunk = event_keys[at : at + IDS_PER_PART]
        array = pa.FixedSizeBinaryArray.from_buffers(id_type, len(chunk), [None, pa.py_buffer(chunk.tobytes())])
        objects[part_name(n)] = _parquet(pa.table({"event_id": array}))
        at += IDS_PER_PART
        n += 1
    order_table = pa.table(
        {
            "order_id": pa.array([o["order_id"] for o in orders], pa.string()),
            "event_id": pa.array([o["event_id"] for o in orders], pa.string()),
            "event_time_ms": pa.array([o["event_time_ms"] for o in orders], pa.int64()),
        }
    )
    days_table = pa.table(
        {
            "events": pa.array([summary.events], pa.int64()),
            "orders": pa.array([summary.orders], pa.int64()),
            "events_fingerprint": pa.array([summary.events_fingerprint], pa.string()),
            "orders_fingerprint": pa.array([summary.orders_fingerprint], pa.string()),
        }
    )
    try:
        replace_day_objects(lake, index_prefix("event_ids", day, tz), objects)
        replace_day_objects(lake, index_prefix("orders", day, tz), {part_name(0): _parquet(order_table)})
        replace_day_objects(lake, index_prefix("days", day, tz), {part_name(0): _parquet(days_table)})
    except JobError as error:
        raise JobError(error.code, f"cannot write the cross-day index of {day}: {error.message}") from error
    changed = (
        previous is None
        or previous.events_fingerprint != summary.events_fingerprint
        or previous.orders_fingerprint != summary.orders_fingerprint
    )
    return summary, changed

