"""The Spark job cuts local days and hours as the batch's ZoneCalendar does, in zones west
and east of UTC, with half-hour and 45-minute offsets, on their DST days and the days
around them: the same bounds, the same hours, the same local day for every 15-minute bucket."""
from __future__ import annotations

import pytest

from conftest import typescript_fixture
from shoplens_spark.zones import day_of, plan_day

DAYS = {
    "America/New_York": ["2026-03-07", "2026-03-08", "2026-03-09", "2026-11-01", "2026-11-02"],
    "America/Los_Angeles": ["2026-03-08", "2026-11-01"],
    "America/Sao_Paulo": ["2026-03-08", "2018-11-04", "2019-02-16"],
    "America/St_Johns": ["2026-03-08", "2026-11-01"],
    "America/Havana": ["2026-03-08", "2026-11-01"],
    "Pacific/Honolulu": ["2026-03-08"],
    "Europe/Berlin": ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-25"],
    "Europe/London": ["2026-03-29", "2026-10-25"],
    "Asia/Kolkata": ["2026-03-29"],
    "Asia/Kathmandu": ["2026-03-29"],
    "Australia/Lord_Howe": ["2026-04-05", "2026-10-04"],
    "Pacific/Chatham": ["2026-04-05", "2026-09-27"],
    "Pacific/Apia": ["2011-12-30", "2011-12-31"],
    "UTC": ["2026-03-08"],
}


@pytest.fixture(scope="module")
def batch_plans() -> list[dict]:
    pairs = [f"{zone} {day}" for zone, days in DAYS.items() for day in days]
    plans = typescript_fixture("day-plans.ts", "\n".join(pairs) + "\n", timeout=120)
    assert len(plans) == len(pairs)
    return plans


def test_the_new_york_spring_forward_day_has_23_hours_from_5_utc():
    plan = plan_day("2026-03-08", "America/New_York")
    assert (plan.start_ms, plan.end_ms) == (1772946000000, 1773028800000)  # 05:00Z to 04:00Z next day
    assert len(plan.hours) == 23
    assert day_of("America/New_York", 1772946000000 - 1) == "2026-03-07"


def test_days_and_hours_are_the_batch_s(batch_plans):
    for expected in batch_plans:
        plan = plan_day(expected["day"], expected["zone"])
        where = f'{expected["zone"]} {expected["day"]}'
        assert (plan.start_ms, plan.end_ms) == (expected["startMs"], expected["endMs"]), where
        assert list(plan.hours) == expected["hours"], where
        days = {int(key): b["day"] for key, b in expected["buckets"].items()}
        assert {key: day_of(plan.tz, key * 15 * 60_000) for key in days} == days, where
        of_day = {int(key): b["hour"] for key, b in expected["buckets"].items() if b["day"] == expected["day"]}
        assert plan.hour_of_bucket == of_day, where
