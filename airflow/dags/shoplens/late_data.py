"""Which recent days received raw files after their last successful batch run.

The lake's listing says when each raw file was written (S3 LastModified, file mtime);
`pipeline_runs.finished_at` says when a day was last loaded. A day whose own raw
partitions changed after that is stale, and running the batch again replaces it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Mapping, Sequence

from .lake import Lake
from .raw_zone import day_bounds, list_raw, newest_raw_change


@dataclass(frozen=True)
class DayStatus:
    day: str
    last_success: datetime | None
    newest_raw: datetime | None

    @property
    def stale(self) -> bool:
        return self.last_success is not None and self.newest_raw is not None and self.newest_raw > self.last_success

    def describe(self) -> str:
        if self.last_success is None:
            return f"{self.day}: never loaded successfully (left to the daily DAG)"
        if self.newest_raw is None:
            return f"{self.day}: no raw files"
        verdict = "late data, rerun" if self.stale else "up to date"
        return f"{self.day}: loaded {self.last_success:%Y-%m-%dT%H:%M:%S}Z, newest raw file {self.newest_raw:%Y-%m-%dT%H:%M:%S}Z: {verdict}"


def recent_days(today: date, count: int) -> list[str]:
    """The `count` complete days before `today`, oldest first; today is still being written."""
    return [(today - timedelta(days=n)).isoformat() for n in range(count, 0, -1)]


def classify(
    days: Sequence[str], last_success: Mapping[str, datetime], newest_raw: Mapping[str, datetime | None]
) -> list[DayStatus]:
    return [DayStatus(day, last_success.get(day), newest_raw.get(day)) for day in days]


def last_successes(conn, days: Sequence[str], tz: str) -> dict[str, datetime]:
    with conn.cursor() as cur:
        cur.execute(
            "select day::text, max(finished_at) from pipeline_runs "
            "where tz = %s and status = 'succeeded' and day = any(%s::date[]) group by day",
            [tz, list(days)],
        )
        return {day: finished for day, finished in cur.fetchall() if finished is not None}


def newest_raw_changes(lake: Lake, days: Sequence[str], tz: str) -> dict[str, datetime | None]:
    if not days:
        return {}
    start, _ = day_bounds(days[0], tz)
    _, end = day_bounds(days[-1], tz)
    objects = list_raw(lake, start, end)
    return {day: newest_raw_change(day, tz, objects) for day in days}
