"""What the tasks do, given Airflow's context; the DAG files only wire these together.

Nothing here runs at import: settings, the lake and the warehouse are opened per call.
"""
from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .airflow_compat import AirflowException, AirflowFailException, airflow_connection, airflow_variable
from .batch_app import BatchAppError, batch_command, run_batch_app, spark_command
from .lake import Lake, open_lake
from .quality import evaluate, gather_day_facts
from .raw_zone import day_bounds, list_raw, partitions_ready
from .settings import RuntimeSettings, SettingsError, load_runtime_settings

log = logging.getLogger("shoplens")

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def runtime_settings() -> RuntimeSettings:
    try:
        return load_runtime_settings(airflow_variable, os.environ, airflow_connection)
    except SettingsError as err:
        raise AirflowFailException(str(err)) from err


def lake_of(s: RuntimeSettings) -> Lake:
    aws = {**{k: v for k, v in os.environ.items() if k.startswith("AWS_")}, **s.app_env}
    return open_lake(s.lake_url, s.home, s.s3_endpoint, aws)


def connect(s: RuntimeSettings):
    import psycopg

    try:
        return psycopg.connect(s.database_url, connect_timeout=10, autocommit=True)
    except psycopg.OperationalError as err:
        # Retriable: the database may be restarting.
        raise AirflowException(f"cannot reach the warehouse database: {err}") from err


def report_day(context, tz: str) -> str:
    """The local day a run computes: params.day when given, else its data interval's start in `tz`."""
    given = (context.get("params") or {}).get("day")
    if given:
        if not _DAY.match(str(given)):
            raise AirflowFailException(f"params.day must be YYYY-MM-DD, got {given!r}")
        return str(given)
    start = context["data_interval_start"]
    return start.astimezone(ZoneInfo(tz)).date().isoformat()


def poke_raw_partitions(day: str, tz: str) -> tuple[bool, str]:
    s = runtime_settings()
    start, end = day_bounds(day, tz)
    # One hour past the end is enough to see that the stream has moved on.
    objects = list_raw(lake_of(s), start, end + timedelta(hours=1))
    r = partitions_ready(day, tz, objects, datetime.now(timezone.utc), timedelta(minutes=s.settle_minutes))
    log.info("%s", r.reason)
    return r.ready, r.reason


def run_batch_for_day(day: str, tz: str, timeout: timedelta) -> dict:
    s = runtime_settings()
    if s.engine == "spark":
        command = spark_command(s.spark_submit, s.spark_master, s.home, day, tz, allow_empty=s.allow_empty)
    else:
        command = batch_command(s.node, s.home, day, tz, allow_empty=s.allow_empty)
    try:
        summaries = run_batch_app(command, s.child_env(os.environ, tz), timeout.total_seconds(), log)
    except BatchAppError as err:
        # Bad configuration (2) and rejected data (5) fail at once, skipping the retries;
        # anything else (no input yet, services down or failing) is retried with backoff.
        if err.permanent:
            raise AirflowFailException(str(err)) from err
        raise AirflowException(str(err)) from err
    return summaries[-1]


def rerun_late_day(day: str, tz: str, timeout: timedelta) -> list[dict]:
    """Reruns a day with late data; then the day after too, if it was loaded and the day's
    cross-day index changed (its orders or event ids), as the next day counts what this
    one did not (docs/batch.md, "Orders and events across days")."""
    from .late_data import last_successes

    summaries = [run_batch_for_day(day, tz, timeout)]
    if summaries[0].get("indexChanged"):
        following = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
        with connect(runtime_settings()) as conn:
            loaded = last_successes(conn, [following], summaries[0].get("tz") or tz)
        if following in loaded:
            log.info("%s: its orders or event ids changed, so %s is run again too", day, following)
            summaries.append(run_batch_for_day(following, tz, timeout))
    return summaries


def check_day_quality(summary: dict, tz: str) -> dict:
    s = runtime_settings()
    day = summary["day"]
    # The batch keys rows by the zone's canonical name (Asia/Calcutta is Asia/Kolkata).
    tz = summary.get("tz") or tz
    with connect(s) as conn:
        facts = gather_day_facts(conn, lake_of(s), day, tz, summary.get("runId"))
    failures = evaluate(facts, s.quarantine_max_share)
    report = {
        "day": day,
        "tz": tz,
        "run_id": facts.run.run_id if facts.run else None,
        "valid": facts.run.valid if facts.run else 0,
        "daily_active_users": facts.daily_active_users,
        "quarantined": facts.quarantined_in_zone,
        "quarantine_share": round(facts.quarantine_share, 6),
        "failures": failures,
    }
    log.info("quality of %s (%s): %s", day, tz, json.dumps(report, sort_keys=True))
    if failures:
        message = f"data-quality checks failed for {day} ({tz}): " + "; ".join(failures)
        log.error("%s", message)
        # Data, not infrastructure: retrying would give the same answer.
        raise AirflowFailException(message)
    return report


def write_done_marker(report: dict) -> str:
    """`kpi/_done/dt=<day>/tz=<zone>.json`: the day passed its checks (readable without Airflow)."""
    s = runtime_settings()
    key = f"kpi/_done/dt={report['day']}/tz={report['tz'].replace('/', '~')}.json"
    body = {**report, "done_at": datetime.now(timezone.utc).isoformat()}
    lake_of(s).write(key, json.dumps(body, sort_keys=True).encode(), "application/json")
    log.info("marked %s (%s) done: %s", report["day"], report["tz"], key)
    return key
