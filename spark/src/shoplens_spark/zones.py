"""Local days and hours of an IANA zone, cut exactly as the TypeScript batch cuts them.

The batch resolves each 15-minute UTC bucket once (every offset and switch in use is a
multiple of 15 minutes): a bucket's local day and local hour start come from the offset
at its first instant. The same buckets here give the same days and hours, DST included.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
BUCKET_MS = 15 * 60_000
DAY_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UTC_ALIASES = {"Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/Greenwich", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "UTC", "GMT"}

# Names ICU resolves to an older spelling where IANA has since made another primary; the
# batch maps them (libs/transforms canonical-time-zone.ts), so the same key results.
_IANA_PRIMARY = {
    "Africa/Asmera": "Africa/Asmara",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Coral_Harbour": "America/Atikokan",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Europe/Kiev": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk",
}


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """Alias -> target from the tz database's compiled source, where the system has it."""
    links: dict[str, str] = {}
    for candidate in (Path("/usr/share/zoneinfo/tzdata.zi"),):
        if candidate.is_file():
            for line in candidate.read_text().splitlines():
                if line.startswith("L "):
                    _, target, alias = line.split()[:3]
                    links[alias] = target
    return links


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {name.lower(): name for name in available_timezones()}
    for alias in _links():
        names.setdefault(alias.lower(), alias)
    return names


def canonical_time_zone(name: str) -> str | None:
    """The canonical IANA name of a zone in any letter case (`europe/berlin` is
    `Europe/Berlin`; `Etc/UTC`, `GMT`, `utc` are `UTC`), or None when it is no zone."""
    if not name or len(name) > 64:
        return None
    zone = _names().get(name.lower())
    if zone is None:
        return None
    seen = set()
    while zone in _links() and zone not in seen:
        seen.add(zone)
        zone = _links()[zone]
    if zone in _UTC_ALIASES:
        return "UTC"
    zone = _IANA_PRIMARY.get(zone, zone)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


def parse_day(value: str) -> date | None:
    if not DAY_PATTERN.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class DayPlan:
    day: str
    tz: str
    start_ms: int
    end_ms: int
    #: 15-minute UTC bucket (ms // BUCKET_MS) of the day -> start of its local hour (ms).
    hour_of_bucket: dict[int, int]
    #: The start of every local hour of the day, in order (23, 24 or 25).
    hours: tuple[int, ...]


def _offset_ms(zone: ZoneInfo, ms: int) -> int:
    # The offset in force at the instant: converted into the zone, not `zone.utcoffset(dt)`,
    # which reads dt's fields as wall-clock time there and moves every switch by the offset.
    offset = datetime.fromtimestamp(ms // 1000, tz=timezone.utc).astimezone(zone).utcoffset()
    return int(offset.total_seconds() * 1000) if offset else 0


def _bucket(zone: ZoneInfo, key: int) -> tuple[str, int]:
    start = key * BUCKET_MS
    offset = _offset_ms(zone, start)
    wall = start + offset
    day = (datetime(1970, 1, 1) + timedelta(milliseconds=wall)).date().isoformat()
    return day, (wall // HOUR_MS) * HOUR_MS - offset


def _local_midnight(zone: ZoneInfo, wall_ms: int) -> int:
    best = None
    for probe in (wall_ms - DAY_MS // 2, wall_ms, wall_ms + DAY_MS // 2):
        candidate = wall_ms - _offset_ms(zone, probe)
        if candidate + _offset_ms(zone, candidate) == wall_ms:
            best = candidate if best is None else min(best, candidate)
    if best is not None:
        return best
    t = wall_ms - 14 * HOUR_MS
    while t < wall_ms + 14 * HOUR_MS:
        if t + _offset_ms(zone, t) >= wall_ms:
            return t
        t += BUCKET_MS
    return wall_ms


def day_of(tz: str, ms: int) -> str:
    """The local day of instant `ms` in zone `tz`, by the batch's 15-minute buckets."""
    return _bucket(ZoneInfo(tz), ms // BUCKET_MS)[0]


def plan_day(day: str, tz: str) -> DayPlan:
    """The instants, hours and buckets of local day `day` in the canonical zone `tz`."""
    d = parse_day(day)
    if d is None:
        raise ValueError(f"expected a date YYYY-MM-DD, got {day!r}")
    zone = ZoneInfo(tz)
    midnight = int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp() * 1000)
    start = _local_midnight(zone, midnight)
    end = _local_midnight(zone, midnight + DAY_MS)
    buckets: dict[int, int] = {}
    hours: list[int] = []
    # The buckets around the day whose local day is `day`, as the batch's dayOf decides.
    for key in range((start - DAY_MS) // BUCKET_MS, (end + DAY_MS) // BUCKET_MS):
        bday, hour = _bucket(zone, key)
        if bday == day:
            buckets[key] = hour
            if not hours or hours[-1] != hour:
                hours.append(hour)
    return DayPlan(day, tz, start, end, buckets, tuple(hours))


def iso_instant(ms: int) -> str:
    """`2026-03-08T07:00:00.000Z`, as JavaScript's toISOString writes it."""
    t = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
