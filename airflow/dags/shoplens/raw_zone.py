"""The raw zone seen from a reporting day: which partitions hold it, whether they are complete.

Layout (libs/storage): raw/topic=<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<offset>.jsonl.gz,
partitioned by the UTC hour of the events' event_time. A local day in the reporting zone
covers 23 to 25 UTC hours, and the hours of zones with a non-whole-hour offset only partly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

from .lake import Lake, LakeObject

HOUR = timedelta(hours=1)

RAW_KEY = re.compile(
    r"^raw/topic=(?P<topic>[^/]+)/dt=(?P<dt>\d{4}-\d{2}-\d{2})/hour=(?P<hour>\d{2})/(?P<name>[^/+]+)\+\d+\+\d+\.jsonl\.gz$"
)


@dataclass(frozen=True)
class RawObject:
    topic: str
    hour_start: datetime
    key: str
    last_modified: datetime


def day_bounds(day: str, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of the local day `day` in `tz`, as UTC instants."""
    d = date.fromisoformat(day)
    zone = ZoneInfo(tz)
    start = datetime.combine(d, time(0), zone).astimezone(timezone.utc)
    end = datetime.combine(d + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    return start, end


def floor_hour(t: datetime) -> datetime:
    return t.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def own_hours(day: str, tz: str) -> list[datetime]:
    """The UTC hours that overlap the local day."""
    start, end = day_bounds(day, tz)
    hours, h = [], floor_hour(start)
    while h < end:
        hours.append(h)
        h += HOUR
    return hours


def parse_raw_key(obj: LakeObject) -> RawObject | None:
    m = RAW_KEY.match(obj.key)
    if not m or m["topic"] != m["name"]:
        return None
    hour_start = datetime.fromisoformat(f"{m['dt']}T{m['hour']}:00:00+00:00")
    return RawObject(topic=m["topic"], hour_start=hour_start, key=obj.key, last_modified=obj.last_modified)


def list_raw(lake: Lake, start: datetime, end: datetime) -> list[RawObject]:
    """Raw files of every topic whose UTC hour overlaps [start, end)."""
    first, last = floor_hour(start), end
    dates: list[str] = []
    d = first.date()
    while datetime.combine(d, time(0), timezone.utc) < last:
        dates.append(d.isoformat())
        d += timedelta(days=1)
    found: list[RawObject] = []
    for topic_dir in lake.list_dirs("raw/"):
        for dt in dates:
            for obj in lake.list(f"{topic_dir}dt={dt}/"):
                raw = parse_raw_key(obj)
                if raw is not None and first <= raw.hour_start < last:
                    found.append(raw)
    return found


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str
    files: int


def partitions_ready(
    day: str, tz: str, objects: Iterable[RawObject], now: datetime, settle: timedelta
) -> Readiness:
    """Whether the day's raw partitions can be processed.

    The day needs raw files of its own hours, and the stream must have moved past its
    end: a file in the day's last UTC hour or later, or `settle` elapsed since the end
    (a quiet last hour, or a lake that stops at this day as in a backfill).
    """
    start, end = day_bounds(day, tz)
    hours = own_hours(day, tz)
    objects = list(objects)
    own = [o for o in objects if o.hour_start in set(hours)]
    if not own:
        return Readiness(False, f"no raw files yet for {day} ({tz}), UTC hours {hours[0]:%Y-%m-%dT%H} to {hours[-1]:%Y-%m-%dT%H}", 0)
    if any(o.hour_start >= hours[-1] for o in objects):
        return Readiness(True, f"{len(own)} raw files for {day} ({tz}), including its last hour or later", len(own))
    if now >= end + settle:
        return Readiness(True, f"{len(own)} raw files for {day} ({tz}); nothing newer, but {settle} passed since the day ended", len(own))
    latest = max(o.hour_start for o in objects)
    return Readiness(
        False,
        f"{len(own)} raw files for {day} ({tz}) up to hour {latest:%Y-%m-%dT%H}Z; waiting for the stream to reach {hours[-1]:%Y-%m-%dT%H}Z "
        f"or for {end + settle:%Y-%m-%dT%H:%M}Z",
        len(own),
    )


def newest_raw_change(day: str, tz: str, objects: Iterable[RawObject]) -> datetime | None:
    """When a raw file of the day's own hours was last written, or None without files."""
    hours = set(own_hours(day, tz))
    times = [o.last_modified for o in objects if o.hour_start in hours]
    return max(times) if times else None
