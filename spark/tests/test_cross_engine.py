"""The TypeScript batch (node dist/apps/batch/main.js) and the Spark job, each run as users run
it, over the same raw zone: identical warehouse tables, every row and every column, in UTC
and in Europe/Berlin (its spring-forward day). Each engine loads its own PostgreSQL database."""
from __future__ import annotations

import json
import os
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


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    require_built("simulator", "batch")
    work = tmp_path_factory.mktemp("cross")
    lines, _ = simulate(work, start="2026-03-28", days=2, tz="Europe/Berlin", events=8000, seed=41, invalid_rate=0.02)
    land(lines, work / "lake", first_hour=datetime(2026, 3, 27, 23, tzinfo=timezone.utc))
    return work / "lake"


def run_ts(lake, url, tz):
    return subprocess.run(
        ["node", "dist/apps/batch/main.js", "--date", DAY, "--tz", tz, "--workers", "2"],
        cwd=REPO, env={**os.environ, "LAKE_URL": str(lake), "DATABASE_URL": url, "LOG_LEVEL": "warn"},
        capture_output=True, text=True, timeout=300,
    )


def run_spark(lake, url, tz):
    return subprocess.run(
        [sys.executable, "-m", "shoplens_spark", "daily", "--date", DAY, "--tz", tz],
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


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin"])
def test_both_engines_load_identical_tables(lake, warehouse, tz):
    ts = run_ts(lake, warehouse["ts"], tz)
    assert ts.returncode == 0, ts.stderr
    spark = run_spark(lake, warehouse["spark"], tz)
    assert spark.returncode == 0, spark.stderr
    summary = {engine: json.loads(out.stdout.strip().splitlines()[-1]) for engine, out in (("ts", ts), ("spark", spark))}
    for key in ("day", "tz", "files", "input", "valid", "duplicate", "duplicateOrders", "quarantined", "late"):
        assert summary["spark"][key] == summary["ts"][key], key
    assert summary["ts"]["quarantined"] > 0 and summary["ts"]["duplicateOrders"] > 0
    for table in TABLES:
        ts_columns, ts_rows = rows(warehouse["ts"], table, tz)
        spark_columns, spark_rows = rows(warehouse["spark"], table, tz)
        assert spark_columns == ts_columns, table
        assert len(ts_rows) > 0, table
        assert spark_rows == ts_rows, table
    assert runs(warehouse["spark"], tz) == runs(warehouse["ts"], tz)
