"""Health of the streamer, read from what it writes: `rt_kpi_minute(minute_start, …, updated_at)`.

- freshness: now − max(updated_at), how long ago the streamer last wrote;
- lag: now − the end of the newest minute it has figures for, how far behind real time
  its view of the shop is (event time, so it includes the shop's own delivery delays).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class StreamerSnapshot:
    now: datetime
    rows: int
    newest_update: datetime | None
    newest_minute: datetime | None
    events_last_15_min: int


@dataclass(frozen=True)
class StreamerHealth:
    healthy: bool
    freshness_seconds: float | None
    lag_seconds: float | None
    message: str

    def as_dict(self) -> dict:
        return {
            "healthy": self.healthy,
            "freshness_seconds": self.freshness_seconds,
            "lag_seconds": self.lag_seconds,
            "message": self.message,
        }


def assess(s: StreamerSnapshot, max_staleness_seconds: int) -> StreamerHealth:
    if s.rows == 0 or s.newest_update is None or s.newest_minute is None:
        return StreamerHealth(False, None, None, "rt_kpi_minute is empty: the streamer has not written any minute yet")
    freshness = (s.now - s.newest_update).total_seconds()
    lag = (s.now - (s.newest_minute + timedelta(minutes=1))).total_seconds()
    figures = (
        f"freshness {freshness:.0f} s (last write {s.newest_update:%Y-%m-%dT%H:%M:%S}Z), "
        f"lag {lag:.0f} s (newest minute {s.newest_minute:%Y-%m-%dT%H:%M}Z), "
        f"{s.events_last_15_min} events in the last 15 minutes"
    )
    if freshness > max_staleness_seconds:
        return StreamerHealth(
            False, freshness, lag, f"streamer is stale: {figures}; limit {max_staleness_seconds} s"
        )
    return StreamerHealth(True, freshness, lag, f"streamer is healthy: {figures}")


def snapshot(conn) -> StreamerSnapshot:
    """One query; the database's clock is the reference, as updated_at comes from it too."""
    with conn.cursor() as cur:
        # Per-minute figures are repeated on each currency row of the minute: max, not sum.
        cur.execute(
            "select now(), count(*), max(updated_at), max(minute_start), "
            "(select coalesce(sum(e), 0) from (select max(events) as e from rt_kpi_minute "
            "where minute_start >= now() - interval '15 minutes' group by minute_start) m) "
            "from rt_kpi_minute"
        )
        now, rows, newest_update, newest_minute, events = cur.fetchone()
    return StreamerSnapshot(now, int(rows), newest_update, newest_minute, int(events))
