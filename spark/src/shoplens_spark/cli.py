"""`npm run -s spark -- daily --date D | --from D --to D [--tz ZONE]`: the batch's CLI on Spark."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import timedelta

from .errors import EXIT_CODES, JobError
from .zones import canonical_time_zone, parse_day

HELP = """Usage: npm run -s spark -- daily --date YYYY-MM-DD [options]
       npm run -s spark -- daily --from YYYY-MM-DD --to YYYY-MM-DD [options]
       spark-submit --master URL spark/submit.py daily --date …

Computes the daily KPIs of each local day from the raw zone of the lake on Apache Spark,
exactly as the TypeScript batch does (node dist/apps/batch/main.js): validates against the
event contract's JSON Schema, deduplicates (event_id, then order_id keeping the earliest)
and aggregates the day's events, writes kpi/ Parquet back to the lake and replaces the day
in the PostgreSQL warehouse with its pipeline_runs row in one transaction. Running a day
again gives the same rows. See docs/spark.md.

Options:
  --date DAY             the local day to compute
  --from DAY --to DAY    every day of an inclusive range, in order
  --tz ZONE              IANA reporting time zone (default REPORT_TZ, else UTC); any
                         spelling is stored as its canonical name
  --lateness-hours N     also read N hours of raw partitions on each side of the day, so
                         a duplicate order across midnight keeps its earliest copy (default 2)
  --lookback-hours N     an order or event id that a day overlapping the N hours before the
                         day counted (its index/ in the lake) is not counted again
                         (default 24, at most 168; 0 turns it off)
  --allow-empty          a day without raw input loads zeros instead of failing
  --no-warehouse         write Parquet only; DATABASE_URL is not needed
  --help                 this text

Environment:
  LAKE_URL               s3://bucket/prefix, file:// URL or directory (default .shoplens/lake)
  DATABASE_URL           postgres://user:pass@host:port/db (required unless --no-warehouse)
  S3_ENDPOINT            S3-compatible endpoint (MinIO, moto); path-style URLs are used
  AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   the usual AWS credential chain
  REPORT_TZ              default for --tz
  SPARK_MASTER           where the job runs (default local[*]); spark-submit's --master wins
  LOG_LEVEL              trace, debug, info, warn, error, fatal, silent (default info)

Exit status:
  0  success
  1  unexpected error (a bug: see the log)
  2  bad arguments or configuration
  3  no raw input for a day (unless --allow-empty)
  4  the lake or the warehouse is unreachable or failing: a retry may pass
  5  rejected: the warehouse or the lake refused the day's data or request; do not retry
A failed run is recorded in pipeline_runs with status 'failed', its error_code and message."""

MAX_DAYS = 366
_LOG_LEVELS = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR, "fatal": logging.CRITICAL, "silent": logging.CRITICAL + 10}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # noqa: D401 - argparse's hook
        raise JobError("bad_arguments", f"{message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="shoplens_spark", add_help=False, allow_abbrev=False)
    p.add_argument("command", nargs="?")
    p.add_argument("--date")
    p.add_argument("--from", dest="from_")
    p.add_argument("--to")
    p.add_argument("--tz")
    p.add_argument("--lateness-hours", default="2")
    p.add_argument("--lookback-hours", default="24")
    p.add_argument("--allow-empty", action="store_true")
    p.add_argument("--no-warehouse", action="store_true")
    p.add_argument("-h", "--help", action="store_true")
    return p


def _day(flag: str, value: str):
    d = parse_day(value)
    if d is None:
        raise JobError("bad_arguments", f"{flag} must be a date YYYY-MM-DD, got {json.dumps(value)}")
    return d


def load_config(argv: list[str], env) -> dict:
    a = _parser().parse_args(argv)
    if a.help:
        return {"help": True}
    if a.command != "daily":
        raise JobError("bad_arguments", f"expected the command daily, got {json.dumps(a.command)} (see --help)")
    if a.date is not None:
        if a.from_ is not None or a.to is not None:
            raise JobError("bad_arguments", "give --date or --from/--to, not both")
        days = [_day("--date", a.date).isoformat()]
    elif a.from_ is not None and a.to is not None:
        start, end = _day("--from", a.from_), _day("--to", a.to)
        if start > end:
            raise JobError("bad_arguments", f"--from {start} is after --to {end}")
        days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
        if len(days) > MAX_DAYS:
            raise JobError("bad_arguments", f"a range may span at most {MAX_DAYS} days")
    else:
        raise JobError("bad_arguments", "give --date DAY or both --from DAY and --to DAY (see --help)")
    if a.tz is not None:
        tz = canonical_time_zone(a.tz)
        if tz is None:
            raise JobError("bad_arguments", f"--tz is not an IANA time zone: {json.dumps(a.tz)}")
    else:
        raw = env.get("REPORT_TZ") or "UTC"
        tz = canonical_time_zone(raw)
        if tz is None:
            raise JobError("bad_config", f"REPORT_TZ is not an IANA time zone: {json.dumps(raw)}")
    try:
        lateness = int(a.lateness_hours)
    except ValueError:
        lateness = -1
    if not 0 <= lateness <= 72 or not a.lateness_hours.strip().isdigit():
        raise JobError("bad_arguments", f"--lateness-hours must be an integer from 0 to 72, got {json.dumps(a.lateness_hours)}")
    lookback = int(a.lookback_hours) if a.lookback_hours.strip().isdigit() else -1
    if not 0 <= lookback <= 168:
        raise JobError("bad_arguments", f"--lookback-hours must be an integer from 0 to 168, got {json.dumps(a.lookback_hours)}")
    database_url = None if a.no_warehouse else env.get("DATABASE_URL")
    if not a.no_warehouse and not database_url:
        raise JobError("bad_config", "DATABASE_URL is not set (postgres://user:pass@host:port/db), or pass --no-warehouse")
    level = (env.get("LOG_LEVEL") or "info").lower()
    if level not in _LOG_LEVELS:
        raise JobError("bad_config", f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {json.dumps(level)}")
    return {
        "help": False,
        "days": days,
        "tz": tz,
        "lateness_hours": lateness,
        "lookback_hours": lookback,
        "allow_empty": a.allow_empty,
        "database_url": database_url,
        "lake_url": env.get("LAKE_URL") or ".shoplens/lake",
        "s3_endpoint": env.get("S3_ENDPOINT") or None,
        "log_level": _LOG_LEVELS[level],
    }


def main(argv: list[str]) -> int:
    try:
        config = load_config(argv, os.environ)
    except JobError as error:
        sys.stderr.write(f"spark: {error.message}\n")
        return error.exit_code
    if config["help"]:
        sys.stdout.write(HELP + "\n")
        return 0
    logging.basicConfig(stream=sys.stderr, level=config["log_level"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("py4j").setLevel(max(config["log_level"], logging.WARNING))
    log = logging.getLogger("shoplens_spark")
    conn = spark = None
    try:
        from .contract import load_contract
        from .job import DayOptions, run_day, spark_session
        from .lake import open_lake

        lake = open_lake(config["lake_url"], config["s3_endpoint"])
        contract = load_contract()
        if config["database_url"]:
            from . import warehouse

            conn = warehouse.connect(config["database_url"])
            warehouse.check_schema(conn)
        def session():
            # Started on the first day with input: a usage or no-input failure starts no JVM.
            nonlocal spark
            if spark is None:
                spark = spark_session(lake)
            return spark

        for day in config["days"]:
            report = run_day(session, lake, conn, contract, DayOptions(day, config["tz"], config["lateness_hours"], config["allow_empty"], config["lookback_hours"]))
            summary = {k: v for k, v in report.items() if k not in ("kpis", "reasons")}
            sys.stdout.write(json.dumps(summary) + "\n")
            sys.stdout.flush()
        return 0
    except JobError as error:
        log.error("%s (code %s, retriable %s)", error.message, error.code, error.retriable)
        sys.stderr.write(f"spark: {error.message}\n")
        return error.exit_code
    except Exception as error:  # a bug: the stack goes to the log
        log.exception("spark job failed")
        sys.stderr.write(f"spark: {error}\n")
        return 1
    finally:
        if conn is not None:
            conn.close()
        if spark is not None:
            spark.stop()
