"""The TypeScript batch (node dist/apps/batch/main.js) and the Spark job, each run as users run
it, over the same raw zone: identical warehouse tables, every row and every column, in UTC
and in Europe/Berlin (its spring-forward day), over two days in order, with orders fired
again and events re-sent the next afternoon (beyond the lateness window: only the
cross-day index of the lake keeps them from counting twice). Each engine has its own copy
of the lake and its own PostgreSQL database, so each reads the index it wrote itself."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from conftest import HERE, REPO, require_built
from lake_fill import land, simulate

DAY = "2026-03-29"
DAYS = ["2026-03-28", DAY]
TABLES = ["kpi_daily_active_users", "kpi_revenue_by_category", "kpi_product_sales", "kpi_orders_per_hour", "kpi_revenue_daily", "kpi_funnel_daily"]
RUN_COUNTS = ["day", "tz", "status", "input", "valid", "duplicate", "duplicate_orders", "quarantined", "late", "error_code"]


def database_url(base: str, database: str) -> str:
    u = urlsplit(base)
    return urlunsplit(u._replace(path=f"/{database}"))


@pytest.fixture(scope="module")
def warehouse():
    """A fresh database per engine (kysely's migrator looks for its tables in every schema,
    so databases rather than schemas keep the two apart)."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise RuntimeError("DATABASE_URL is not set: run through spark/scripts/run-tests.sh (it starts the stack's PostgreSQL)")
    names = {engine: f"shoplens_spark_{engine}_{uuid.uuid4().hex[:8]}" for engine in ("ts", "spark")}
    with psycopg.connect(base, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'create database "{name}"')
    urls = {engine: database_url(base, name) for engine, name in names.items()}
    # The warehouse is migrated by @shoplens/storage, for either engine (docs/spark.md).
    subprocess.run(
        ["node", "--conditions=@shoplens/source", "--import", "tsx", "libs/storage/src/bin/migrate.ts", "up"],
        cwd=REPO, env={**os.environ, "DATABASE_URL": urls["spark"], "LOG_LEVEL": "warn"}, check=True, capture_output=True, timeout=120,
    )
    yield urls
    with psycopg.connect(base, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'drop database if exists "{name}" with (force)')


def next_afternoon(lines_file, kind: str, same_id: bool, count: int) -> list[bytes]:
    """Copies of morning events of the first day, 24 hours later: an order fired again
    (a new event_id) or an event re-sent under its own event_id."""
    out = []
    for line in lines_file.read_bytes().split(b"\n"):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict) or event.get("event_type") != kind:
            continue
        try:
            when = datetime.fromisoformat(str(event["event_time"]).replace("Z", "+00:00")).astimezone(timezone.utc)
        except ValueError:
            continue
        if not (datetime(2026, 3, 28, 6, tzinfo=timezone.utc) <= when < datetime(2026, 3, 28, 14, tzinfo=timezone.utc)):
            continue
        again = {**event, "event_time": (when.replace(day=29)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        if not same_id:
            again["event_id"] = str(uuid.UUID(int=uuid.UUID(event["event_id"]).int ^ 0xFFFF))
        out.append(json.dumps(again).encode())
        if len(out) == count:
            break
    assert len(out) == count, kind
    return out


def land_extra(lake, topic: str, lines: list[bytes]) -> None:
    """Lines of the next afternoon in partition 1 of their topic (the simulator's are in 0)."""
    by_hour: dict = {}
    for line in lines:
        when = datetime.fromisoformat(json.loads(line)["event_time"].replace("Z", "+00:00"))
        by_hour.setdefault(when.strftime("dt=%Y-%m-%d/hour=%H"), []).append(line)
    for hour, batch in by_hour.items():
        path = lake / f"raw/topic={topic}/{hour}/{topic}+1+{0:019d}.jsonl.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(b"\n".join(batch) + b"\n"))


@pytest.fixture(scope="module")
def lakes(tmp_path_factory):
    require_built("simulator", "batch")
    work = tmp_path_factory.mktemp("cross")
    lines, _ = simulate(work, start="2026-03-28", days=2, tz="Europe/Berlin", events=8000, seed=41, invalid_rate=0.02)
    land(lines, work / "lake", first_hour=datetime(2026, 3, 27, 23, tzinfo=timezone.utc))
    land_extra(work / "lake", "orders", next_afternoon(lines, "purchase", same_id=False, count=8))
    land_extra(work / "lake", "pageviews", next_afternoon(lines, "page_view", same_id=True, count=15))
    for engine in ("ts", "spark"):
        shutil.copytree(work / "lake", work / f"lake-{engine}")
    return {engine: work / f"lake-{engine}" for engine in ("ts", "spark")}


def run_ts(lake, url, tz):
    return subprocess.run(
        ["node", "dist/apps/batch/main.js", "--from", DAYS[0], "--to", DAYS[-1], "--tz", tz, "--workers", "2"],
        cwd=REPO, env={**os.environ, "LAKE_URL": str(lake), "DATABASE_URL": url, "LOG_LEVEL": "warn"},
        capture_output=True, text=True, timeout=300,
    )


def run_spark(lake, url, tz):
    return subprocess.run(
        [sys.executable, "-m", "shoplens_spark", "daily", "--from", DAYS[0], "--to", DAYS[-1], "--tz", tz],
        cwd=REPO,
        env={**os.environ, "LAKE_URL": str(lake), "DATABASE_URL": url, "LOG_LEVEL": "warn", "PYTHONPATH": str(HERE.parent / "src"), "SPARK_MASTER": "local[2]"},
        capture_output=True, text=True, timeout=600,
    )


def rows(url, table, tz):
    with psycopg.connect(url) as conn:
        columns = [c.name for c in conn.execute(f"select * from {table} limit 0").description]
        return columns, conn.execute(
            f"select * from {table} where tz = %s order by {', '.join(str(i + 1) for i in range(len(columns)))}", (tz,)
        ).fetchall()


def runs(url, tz):
    with psycopg.connect(url) as conn:
        return conn.execute(f"select {', '.join(RUN_COUNTS)} from pipeline_runs where tz = %s order by started_at", (tz,)).fetchall()


def index_of(lake, day: str, tz: str) -> dict:
    """The day's cross-day index as sets and rows, whatever the order of its parts."""
    import pyarrow.parquet as pq

    def read(dataset):
        folder = lake / f"index/{dataset}/tz={tz.replace('/', '%2F')}/dt={day}"
        return [r for part in sorted(folder.glob("part-*.parquet")) for r in pq.read_table(part).to_pylist()]

    return {
        "event_ids": sorted(r["event_id"] for r in read("event_ids")),
        "orders": sorted(read("orders"), key=lambda r: r["order_id"]),
        "days": read("days"),
    }


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin"])
def test_both_engines_load_identical_tables(lakes, warehouse, tz):
    ts = run_ts(lakes["ts"], warehouse["ts"], tz)
    assert ts.returncode == 0, ts.stderr
    spark = run_spark(lakes["spark"], warehouse["spark"], tz)
    assert spark.returncode == 0, spark.stderr
    summaries = {engine: [json.loads(x) for x in out.stdout.strip().splitlines()] for engine, out in (("ts", ts), ("spark", spark))}
    assert [s["day"] for s in summaries["ts"]] == DAYS
    for ts_day, spark_day in zip(summaries["ts"], summaries["spark"]):
        for key in ("day", "tz", "files", "input", "valid", "duplicate", "duplicateOrders", "quarantined", "late",
                    "lookbackDays", "crossDayDuplicates", "crossDayDuplicateOrders", "indexChanged"):
            assert spark_day[key] == ts_day[key], (ts_day["day"], key)
    first, second = summaries["ts"]
    assert second["quarantined"] > 0 and second["duplicateOrders"] > 0
    # The next afternoon's copies are caught by the index of the day before, and only so.
    assert second["crossDayDuplicateOrders"] >= 8 and second["crossDayDuplicates"] >= 10
    assert first["crossDayDuplicates"] == 0
    for table in TABLES:
        ts_columns, ts_rows = rows(warehouse["ts"], table, tz)
        spark_columns, spark_rows = rows(warehouse["spark"], table, tz)
        assert spark_columns == ts_columns, table
        assert len(ts_rows) > 0, table
        assert spark_rows == ts_rows, table
    assert runs(warehouse["spark"], tz) == runs(warehouse["ts"], tz)
    for day in DAYS:
        assert index_of(lakes["spark"], day, tz) == index_of(lakes["ts"], day, tz), day
