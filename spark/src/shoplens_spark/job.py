"""One local day from the raw zone to the lake's kpi/ zone and the warehouse, in the batch's order
(docs/batch.md, "Publishing"): KPI Parquet encoded first, then the warehouse day and a
`running` pipeline_runs row in one transaction, then the KPI Parquet, then `succeeded`.
A failure at any step is recorded as a `failed` run with its error code."""
from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from dataclasses import dataclass

import numpy as np

from .contract import Contract
from .day_index import read_earlier_days, write_day_index
from .errors import JobError
from .lake import HOUR_MS, Lake, list_raw_files, replace_day_objects
from .tables import KPI_TABLES, encode_parquet
from .zones import canonical_time_zone, plan_day

log = logging.getLogger("shoplens_spark")


def kpi_prefix(dataset: str, day: str, tz: str) -> str:
    """`kpi/<dataset>/tz=<zone, / as %2F>/dt=<day>/`, the batch's layout (libs/storage layout.ts)."""
    return f"kpi/{dataset}/tz={tz.replace('/', '%2F')}/dt={day}/"


KPI_PART = "part-00000.parquet"


@dataclass(frozen=True)
class DayOptions:
    day: str
    tz: str
    lateness_hours: int
    allow_empty: bool
    lookback_hours: int = 24


def _empty_result(plan):
    from .kpis import DayResult

    day = plan.day
    return DayResult(
        kpis={
            "dailyActiveUsers": [{"day": day, "users": 0}],
            "revenueByCategory": [],
            "productSales": [],
            "ordersPerHour": [{"day": day, "hour_start": h, "orders": 0} for h in plan.hours],
            "revenueDaily": [],
            "funnelDaily": [{"day": day, "sessions": 0, "product_view": 0, "add_to_cart": 0, "checkout_started": 0, "purchase": 0}],
        },
        valid=0, duplicate=0, duplicate_orders=0, quarantined=0, lines=0, reasons={},
    )


def run_day(spark, lake: Lake, conn, contract: Contract, options: DayOptions) -> dict:
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    from .kpis import SumOverflow, compute_day, read_parsed
    from . import warehouse

    started = time.time()
    run_id = str(uuid.uuid4())
    tz = canonical_time_zone(options.tz)
    if tz is None:
        raise JobError("bad_arguments", f"not an IANA time zone: {options.tz!r}")
    plan = plan_day(options.day, tz)
    day, tz = plan.day, plan.tz
    run: dict | None = None
    try:
        window = options.lateness_hours * HOUR_MS
        files = list_raw_files(lake, plan.start_ms - window, plan.end_ms + window)
        own = [f for f in files if f.hour_start_ms + HOUR_MS > plan.start_ms and f.hour_start_ms < plan.end_ms]
        if not own and not options.allow_empty:
            raise JobError("no_input", f"no raw files for {day} ({tz}) under {lake.url}; pass --allow-empty to load an empty day")
        log.info("reading raw partitions: files=%d ownFiles=%d", len(files), len(own))
        if files:
            try:
                session = spark() if callable(spark) else spark
                earlier = read_earlier_days(lake, plan, options.lookback_hours)
                own_hours = sorted({"/".join(f.key.split("/")[2:4]) for f in own})
                parsed = read_parsed(session, [lake.spark_uri(f.key) for f in files], contract, plan, own_hours)
                result = compute_day(parsed, plan, earlier)
            except SumOverflow as cause:
                raise JobError("rejected", str(cause)) from cause
            except (Py4JError, PySparkException) as cause:
                if not _is_lake_failure(cause):
                    raise
                raise JobError("lake_failed", f"cannot read the raw zone: {str(cause).splitlines()[0] if str(cause) else cause}") from cause
        else:
            earlier = read_earlier_days(lake, plan, options.lookback_hours)
            result = _empty_result(plan)
        # What the day's raw data holds, for the days after it; written whatever this run's
        # outcome, as it depends on nothing else (the batch's order).
        keys = result.index_event_keys if result.index_event_keys is not None else np.zeros((0, 16), dtype=np.uint8)
        _, index_changed = write_day_index(lake, plan, keys, result.index_orders or [])
        try:
            parquet = {key: encode_parquet(key, result.kpis[key]) for key in KPI_TABLES}
        except Exception as cause:  # data Parquet cannot hold: the same run fails again
            raise JobError("rejected", f"cannot encode the KPI Parquet: {cause}") from cause

        previous = warehouse.previous_valid(conn, day, tz) if conn is not None else None
        late = max(0, result.valid - previous) if previous is not None else 0
        report = {
            "runId": run_id,
            "day": day,
            "tz": tz,
            "files": len(files),
            "input": result.valid + result.quarantined,
            "valid": result.valid,
            "duplicate": result.duplicate,
            "duplicateOrders": result.duplicate_orders,
            "quarantined": result.quarantined,
            "late": late,
            "curatedRows": 0,
            "lookbackDays": earlier.days,
            "crossDayDuplicates": result.repeated_events,
            "crossDayDuplicateOrders": result.cross_day_duplicate_orders,
            "indexChanged": index_changed,
            "seconds": 0.0,
            "engine": "spark",
        }
        run = {
            "run_id": run_id,
            "day": day,
            "tz": tz,
            "started_at": warehouse.instant_of(started),
            "finished_at": None,
            "status": "running",
            "input": report["input"],
            "valid": result.valid,
            "duplicate": result.duplicate,
            "duplicate_orders": result.duplicate_orders,
            "quarantined": result.quarantined,
            "late": late,
            "error": None,
            "error_code": None,
            "details": warehouse.details_json(
                {
                    "files": len(files),
                    "lines": result.lines,
                    "curated": 0,
                    "lateness_hours": options.lateness_hours,
                    "cross_share_duplicates": 0,
                    "lookback_hours": options.lookback_hours,
                    "lookback_days": earlier.days,
                    "cross_day_duplicate_events": result.repeated_events,
                    "cross_day_duplicate_orders": result.cross_day_duplicate_orders,
                    "index_changed": index_changed,
                    "engine": "spark",
                    "quarantine_reasons": result.reasons,
                }
            ),
        }
        if conn is not None:
            warehouse.replace_day(conn, day, tz, result.kpis, run)
        for key, (dataset, _) in KPI_TABLES.items():
            try:
                replace_day_objects(lake, kpi_prefix(dataset, day, tz), {KPI_PART: parquet[key]})
            except JobError as error:
                if conn is not None and error.code == "lake_failed":
                    raise JobError(
                        "lake_failed",
                        f"the warehouse holds run {run_id} of {day}, but kpi/{dataset} could not be published (run the day again): {error.message}",
                    ) from error
                raise
        if conn is not None:
            run = {**run, "status": "succeeded", "finished_at": warehouse.now()}
            warehouse.record_run(conn, run)
        report["seconds"] = round(time.time() - started, 3)
        log.info("day done: %s", report)
        return {**report, "kpis": result.kpis, "reasons": result.reasons}
    except BaseException as error:
        if conn is not None:
            failed = {
                **(run or {"run_id": run_id, "day": day, "tz": tz, "started_at": warehouse.instant_of(started), "details": None}),
                "finished_at": warehouse.now(),
                "status": "failed",
                "error": str(error),
                "error_code": error.code if isinstance(error, JobError) else "unexpected",
            }
            try:
                warehouse.record_run(conn, failed)
            except JobError as cause:
                log.warning("could not record the failed run: %s", cause)
        raise


_LAKE_FAILURES = ("IOException", "PATH_NOT_FOUND", "FileNotFound", "s3a", "S3Exception", "SdkClientException", "Connection refused", "UnknownHost", "EOFException", "ZLIB")


def _is_lake_failure(cause: BaseException) -> bool:
    """A failure to read the lake (a retry may pass), as opposed to a bug of the job."""
    text = str(cause)
    return any(marker in text for marker in _LAKE_FAILURES)


def spark_session(lake: Lake, app_name: str = "shoplens-daily"):
    """The session: SPARK_MASTER (default local[*]) unless spark-submit already chose one."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    import sys

    # Local workers run this interpreter (its virtualenv has the job's packages).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Local workers import this package from where the driver found it (a cluster gets it
    # with --py-files).
    here = str(Path(__file__).resolve().parents[1])
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if here not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([here, *paths])
    conf = SparkConf()
    if not conf.contains("spark.master"):
        conf.setMaster(os.environ.get("SPARK_MASTER") or "local[*]")
    conf.setAppName(app_name)
    conf.setIfMissing("spark.ui.enabled", "false")
    conf.setIfMissing("spark.ui.showConsoleProgress", "false")
    # The driver lists a day's files itself; no listing job for a few hundred paths.
    conf.setIfMissing("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
    conf.setIfMissing("spark.sql.shuffle.partitions", os.environ.get("SHOPLENS_SPARK_SHUFFLE_PARTITIONS", "16"))
    # Raw files are gzip (one task each at most); packed into 128 MB tasks, an hour's few
    # small files make 3 tasks for 72 files and the last runs alone. About a file a task
    # keeps every core busy to the end of the read.
    conf.setIfMissing("spark.sql.files.maxPartitionBytes", os.environ.get("SHOPLENS_SPARK_MAX_PARTITION_BYTES", "4m"))
    conf.setIfMissing("spark.python.worker.reuse", "true")
    conf.setIfMissing("spark.sql.session.timeZone", "UTC")
    # JSON.parse keeps the last of repeated keys; so does the variant parser with this.
    conf.setIfMissing("spark.sql.variant.allowDuplicateKeys", "true")
    if lake.kind == "s3":
        conf.setIfMissing("spark.jars.packages", os.environ.get("SHOPLENS_SPARK_S3A_PACKAGE", "org.apache.hadoop:hadoop-aws:3.5.0"))
        conf.setIfMissing("spark.hadoop.fs.s3a.aws.credentials.provider", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider")
        if lake.s3_endpoint:
            conf.setIfMissing("spark.hadoop.fs.s3a.endpoint", lake.s3_endpoint)
            conf.setIfMissing("spark.hadoop.fs.s3a.path.style.access", "true")
            conf.setIfMissing("spark.hadoop.fs.s3a.connection.ssl.enabled", str(lake.s3_endpoint.startswith("https")).lower())
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if region:
            conf.setIfMissing("spark.hadoop.fs.s3a.endpoint.region", region)
    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("SPARK_LOG_LEVEL", "WARN"))
    return spark
