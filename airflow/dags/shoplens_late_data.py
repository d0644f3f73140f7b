"""
### shoplens_late_data

Reruns recent days that received raw data after they were loaded. For each of the last
`SHOPLENS_LATE_DATA_DAYS` complete days in `REPORT_TZ` it compares the newest raw file of
the day's partitions (S3 LastModified or file mtime) with the day's last successful
`pipeline_runs.finished_at`; each day with newer files is run through the batch again
(which replaces the day) and the same quality checks as `shoplens_daily`. When a rerun
changes the day's cross-day index (its orders or event ids), the day after it is run
again too, if it was loaded: it must not count what the day now counts. Days never
loaded successfully are left to `shoplens_daily`. See airflow/README.md.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum

from shoplens.airflow_compat import AIRFLOW_3, dag, get_current_context, task
from shoplens.settings import load_dag_settings

SETTINGS = load_dag_settings()
TZ = SETTINGS.report_tz


@dag(
    dag_id="shoplens_late_data",
    description=f"Reruns recent days of {TZ} whose raw partitions changed after their last load",
    doc_md=__doc__,
    schedule=SETTINGS.late_data_schedule,
    start_date=pendulum.datetime(
        SETTINGS.start_date.year, SETTINGS.start_date.month, SETTINGS.start_date.day, tz=TZ
    ),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "shoplens",
        "retries": SETTINGS.retries,
        "retry_delay": SETTINGS.retry_delay,
        "retry_exponential_backoff": 2.0 if AIRFLOW_3 else True,
        "max_retry_delay": SETTINGS.max_retry_delay,
    },
    tags=["shoplens", "batch", "late-data"],
)
def shoplens_late_data():
    @task(task_id="find_stale_days")
    def find_stale_days() -> list[str]:
        from shoplens.late_data import classify, last_successes, newest_raw_changes, recent_days
        from shoplens.runtime import connect, lake_of, log, runtime_settings

        s = runtime_settings()
        context = get_current_context()
        # The run's own time, not the wall clock: a rerun of this DAG run looks at the same days.
        until = context.get("data_interval_end") or context["logical_date"]
        days = recent_days(until.astimezone(pendulum.timezone(TZ)).date(), s.late_data_days)
        with connect(s) as conn:
            loaded = last_successes(conn, days, TZ)
        statuses = classify(days, loaded, newest_raw_changes(lake_of(s), days, TZ))
        for status in statuses:
            log.info("%s", status.describe())
        return [st.day for st in statuses if st.stale]

    @task(task_id="rerun_batch", max_active_tis_per_dag=1, execution_timeout=SETTINGS.batch_timeout + timedelta(minutes=5))
    def rerun_batch(day: str) -> list[dict]:
        from shoplens.runtime import rerun_late_day

        return rerun_late_day(day, TZ, SETTINGS.batch_timeout)

    @task(task_id="check_quality")
    def check_quality(summaries: list[dict]) -> list[dict]:
        from shoplens.runtime import check_day_quality

        return [check_day_quality(summary, TZ) for summary in summaries]

    check_quality.expand(summaries=rerun_batch.expand(day=find_stale_days()))


shoplens_late_data()
