"""Real runs of shoplens_late_data: a day whose raw partitions got a file after its load is rerun."""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import psycopg
from dag_runs import run_dag, state, task_states
from lake_fill import raw_key

TZ = "America/New_York"
DAY = "2026-03-08"
AFTER_DAY = datetime(2026, 3, 9, 0, 0, tzinfo=ZoneInfo(TZ))
# The late-data DAG looks back from its run's time: 7 days before 2026-03-10 include DAY.
LATE_RUN = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def late_file(lake, users: int, day: str = DAY) -> None:
    """New shoppers' page views at noon of `day`, landed as a raw file the day did not have."""
    import gzip

    hour = datetime.fromisoformat(f"{day}T17:00:00+00:00")  # 12:00 or 13:00 in New York
    lines = [
        json.dumps(
            {
                "event_id": f"00000000-0000-4000-{8000 + int(day[-2:]):04d}-{n:012d}",
                "event_type": "page_view",
                "event_time": f"{day}T17:30:00Z",
                "user_id": f"late-user-{n}",
                "session_id": f"late-session-{n}",
                "schema_version": 1,
                "page_url": "/",
            }
        )
        for n in range(users)
    ]
    path = lake / raw_key("pageviews", hour, 9_000_000)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))


def test_days_with_newer_raw_files_are_rerun_and_others_left_alone(dagbag, filled_lake, warehouse, caplog):
    assert state(run_dag(dagbag, "shoplens_daily", AFTER_DAY).state) == "success"
    (dau_before,) = rows(warehouse, "select users from kpi_daily_active_users where day = %s", DAY)[0]

    nothing_late = run_dag(dagbag, "shoplens_late_data", LATE_RUN)
    assert state(nothing_late.state) == "success"
    assert task_states(nothing_late) == {"find_stale_days": "success", "rerun_batch": "skipped", "check_quality": "skipped"}
    assert f"{DAY}: loaded" in caplog.text and "up to date" in caplog.text
    assert "2026-03-07: never loaded successfully (left to the daily DAG)" in caplog.text

    # Modification times have a granularity; make the late file unmistakably newer.
    time.sleep(1.1)
    late_file(filled_lake, users=5)
    caplog.clear()
    rerun = run_dag(dagbag, "shoplens_late_data", LATE_RUN)

    assert state(rerun.state) == "success"
    assert task_states(rerun) == {"find_stale_days": "success", "rerun_batch[0]": "success", "check_quality[0]": "success"}
    assert "late data, rerun" in caplog.text
    assert rows(warehouse, "select users from kpi_daily_active_users where day = %s", DAY) == [(dau_before + 5,)]
    runs = rows(warehouse, "select day::text, status, late from pipeline_runs order by started_at")
    assert runs == [(DAY, "succeeded", 0), (DAY, "succeeded", 5)]
    # 2026-03-07 was never loaded: the late-data DAG does not take over the daily one.
    assert rows(warehouse, "select count(*) from pipeline_runs where day = '2026-03-07'") == [(0,)]


def test_a_rerun_that_changes_a_days_index_reruns_the_day_after(dagbag, filled_lake, warehouse, caplog):
    before = "2026-03-07"
    for logical in (datetime(2026, 3, 8, 0, 0, tzinfo=ZoneInfo(TZ)), AFTER_DAY):
        assert state(run_dag(dagbag, "shoplens_daily", logical).state) == "success"
    time.sleep(1.1)
    late_file(filled_lake, users=3, day=before)
    caplog.clear()
    rerun = run_dag(dagbag, "shoplens_late_data", LATE_RUN)

    assert state(rerun.state) == "success"
    assert f"{before}: its orders or event ids changed, so {DAY} is run again too" in caplog.text
    runs = rows(warehouse, "select day::text, status from pipeline_runs order by started_at")
    assert all(status == "succeeded" for _, status in runs)
    # The day after was run again once the day before had been.
    last = {day: i for i, (day, _) in enumerate(runs)}
    assert [day for day, _ in runs].count(DAY) >= 2
    assert last[DAY] > last[before] > 1
