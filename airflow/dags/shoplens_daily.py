"""
### shoplens_daily

Computes each local day of the reporting time zone (`REPORT_TZ`) once it is over:

1. `wait_for_raw_partitions`: the day's raw partitions are in the lake and the stream has
   moved past the day (reschedule mode: no worker slot is held while waiting);
2. `run_batch`: `node dist/apps/batch/main.js --date <day> --tz <zone>`, which replaces the
   day in the lake's curated and KPI zones and in the warehouse, so reruns are safe; with
   `SHOPLENS_ENGINE=spark`, the Spark job instead (`spark-submit --master $SPARK_MASTER
   spark/submit.py daily --date <day> --tz <zone>`, default `local[*]`; docs/spark.md),
   which loads the same tables and passes the same gates;
3. `check_quality`: the day's `pipeline_runs` row succeeded, no negative money, daily
   active users > 0 when there were events, quarantine share under the limit;
4. `mark_done`: writes `kpi/_done/dt=<day>/tz=<zone>.json` and updates the
   `shoplens_kpi_daily` asset.

Catchup is on, so the runs since `SHOPLENS_START_DATE` are backfilled, at most
`SHOPLENS_MAX_ACTIVE_RUNS` at a time. A manual run computes the last complete day, or the
day given as the `day` parameter. See airflow/README.md.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum

from shoplens.airflow_compat import (
    AIRFLOW_3,
    Asset,
    CronDataIntervalTimetable,
    Param,
    PokeReturnValue,
    dag,
    get_current_context,
    task,
)
from shoplens.settings import load_dag_settings

SETTINGS = load_dag_settings()
TZ = SETTINGS.report_tz
KPI_DAILY = Asset("shoplens_kpi_daily")


@dag(
    dag_id="shoplens_daily",
    description=f"Daily KPIs of each day in {TZ}: wait for raw data, batch, quality checks",
    doc_md=__doc__,
    # Intervals run from local midnight to local midnight; a run starts when its day ends.
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TZ),
    start_date=pendulum.datetime(
        SETTINGS.start_date.year, SETTINGS.start_date.month, SETTINGS.start_date.day, tz=TZ
    ),
    catchup=True,
    max_active_runs=SETTINGS.max_active_runs,
    params={
        "day": Param(
            None,
            type=["null", "string"],
            description="Local day YYYY-MM-DD to compute instead of the run's data interval",
        )
    },
    default_args={
        "owner": "shoplens",
        "retries": SETTINGS.retries,
        "retry_delay": SETTINGS.retry_delay,
        "retry_exponential_backoff": 2.0 if AIRFLOW_3 else True,
        "max_retry_delay": SETTINGS.max_retry_delay,
    },
    tags=["shoplens", "batch"],
)
def shoplens_daily():
    @task.sensor(
        task_id="wait_for_raw_partitions",
        mode="reschedule",
        poke_interval=SETTINGS.sensor_poke_interval.total_seconds(),
        timeout=SETTINGS.sensor_timeout.total_seconds(),
    )
    def wait_for_raw_partitions() -> PokeReturnValue:
        from shoplens.runtime import poke_raw_partitions, report_day

        day = report_day(get_current_context(), TZ)
        ready, _reason = poke_raw_partitions(day, TZ)
        return PokeReturnValue(is_done=ready, xcom_value=day)

    # A little longer than the app's own timeout, so that one reports first and clearly.
    @task(task_id="run_batch", execution_timeout=SETTINGS.batch_timeout + timedelta(minutes=5))
    def run_batch(day: str) -> dict:
        from shoplens.runtime import run_batch_for_day

        return run_batch_for_day(day, TZ, SETTINGS.batch_timeout)

    @task(task_id="check_quality")
    def check_quality(summary: dict) -> dict:
        from shoplens.runtime import check_day_quality

        return check_day_quality(summary, TZ)

    @task(task_id="mark_done", outlets=[KPI_DAILY])
    def mark_done(report: dict) -> str:
        from shoplens.runtime import write_done_marker

        return write_done_marker(report)

    mark_done(check_quality(run_batch(wait_for_raw_partitions())))


shoplens_daily()
