"""The PostgreSQL warehouse: the day's KPI tables and its pipeline_runs row in one transaction."""
from __future__ import annotations

import json
from datetime import datetime

import psycopg

from .errors import JobError, database_error
from .tables import KPI_TABLES, instant


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as cause:
        raise database_error(f"cannot reach the database at {redact(url)}", cause) from cause


def redact(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    try:
        u = urlsplit(url)
        if u.password:
            netloc = u.netloc.replace(f":{u.password}@", ":***@")
            return urlunsplit(u._replace(netloc=netloc))
        return url
    except ValueError:
        return "<unparseable URL>"


def check_schema(conn: psycopg.Connection) -> None:
    """The tables must exist: the warehouse is migrated by @shoplens/storage (see docs/spark.md)."""
    try:
        with conn.cursor() as cur:
            cur.execute("select to_regclass('pipeline_runs') is not null and to_regclass('kpi_funnel_daily') is not null")
            ok = cur.fetchone()[0]
    except psycopg.Error as cause:
        raise database_error("cannot read the warehouse schema", cause) from cause
    if not ok:
        raise JobError(
            "bad_config",
            "the warehouse has no KPI tables: migrate it first (npx nx run @shoplens/storage:migrate -- up)",
        )


def previous_valid(conn: psycopg.Connection, day: str, tz: str) -> int | None:
    """Valid events of the last successful run of the day, None without one."""
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select valid from pipeline_runs where day = %s and tz = %s and status = 'succeeded' order by finished_at desc limit 1",
                (day, tz),
            )
            row = cur.fetchone()
    except psycopg.Error as cause:
        raise database_error("cannot read pipeline_runs", cause) from cause
    return None if row is None else int(row[0])


_RUN_COLUMNS = ("run_id", "day", "tz", "started_at", "finished_at", "status", "input", "valid", "duplicate", "duplicate_orders", "quarantined", "late", "error", "error_code", "details")


def _upsert_run(cur: psycopg.Cursor, run: dict) -> None:
    values = [run.get(c) for c in _RUN_COLUMNS]
    placeholders = ", ".join("%s::jsonb" if c == "details" else "%s" for c in _RUN_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _RUN_COLUMNS if c != "run_id")
    cur.execute(
        f"insert into pipeline_runs ({', '.join(_RUN_COLUMNS)}) values ({placeholders}) on conflict (run_id) do update set {updates}",
        values,
    )


def _value(kind: str, value):
    return instant(value) if kind == "instant" and value is not None else value


def replace_day(conn: psycopg.Connection, day: str, tz: str, kpis: dict[str, list[dict]], run: dict) -> None:
    """Deletes the day's rows of every KPI table, inserts the new ones and records the run."""
    try:
        with conn.transaction():
            with conn.cursor() as cur:
                for key, (dataset, columns) in KPI_TABLES.items():
                    table = f"kpi_{dataset}"
                    cur.execute(f"delete from {table} where day = %s and tz = %s", (day, tz))
                    names = ["day", "tz"] + [c for c, _, _ in columns]
                    rows = [[day, tz] + [_value(kind, r[c]) for c, kind, _ in columns] for r in kpis[key]]
                    if rows:
                        cur.executemany(
                            f"insert into {table} ({', '.join(names)}) values ({', '.join(['%s'] * len(names))})",
                            rows,
                        )
                _upsert_run(cur, run)
    except psycopg.Error as cause:
        raise database_error(f"cannot load the warehouse: loading {day} ({tz}) failed", cause) from cause


def record_run(conn: psycopg.Connection, run: dict) -> None:
    try:
        with conn.transaction():
            with conn.cursor() as cur:
                _upsert_run(cur, run)
    except psycopg.Error as cause:
        raise database_error(f"cannot record run {run['run_id']}", cause) from cause


def details_json(details: dict) -> str:
    return json.dumps(details)


def now() -> datetime:
    from datetime import timezone

    return datetime.now(tz=timezone.utc)


def instant_of(seconds: float) -> datetime:
    from datetime import timezone

    return datetime.fromtimestamp(seconds, tz=timezone.utc)
