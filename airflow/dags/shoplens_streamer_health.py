"""
### shoplens_streamer_health

Reports the streamer's health from the table it writes, `rt_kpi_minute`: freshness
(now − newest `updated_at`) and lag (now − end of the newest minute), in the task log and
as the task's XCom. The task fails when the table is missing or empty, or when freshness
exceeds `SHOPLENS_STREAMER_MAX_STALENESS_SECONDS`, so Airflow's failure alerts apply.
See airflow/README.md.
"""
from __future__ import annotations

import pendulum

from shoplens.airflow_compat import dag, task
from shoplens.settings import load_dag_settings

SETTINGS = load_dag_settings()


@dag(
    dag_id="shoplens_streamer_health",
    description="Freshness and lag of the streamer's near-real-time KPIs",
    doc_md=__doc__,
    schedule=SETTINGS.streamer_health_schedule,
    start_date=pendulum.datetime(
        SETTINGS.start_date.year, SETTINGS.start_date.month, SETTINGS.start_date.day, tz="UTC"
    ),
    catchup=False,
    max_active_runs=1,
    # A health probe that retries would report late; the next run is the retry.
    default_args={"owner": "shoplens", "retries": 0},
    dagrun_timeout=pendulum.duration(minutes=5),
    tags=["shoplens", "streamer", "monitoring"],
)
def shoplens_streamer_health():
    @task(task_id="check_streamer")
    def check_streamer() -> dict:
        from shoplens.airflow_compat import AirflowFailException
        from shoplens.runtime import connect, log, runtime_settings
        from shoplens.streamer_health import assess, snapshot

        import psycopg

        s = runtime_settings()
        with connect(s) as conn:
            try:
                health = assess(snapshot(conn), s.streamer_max_staleness_seconds)
            except psycopg.errors.UndefinedTable as err:
                raise AirflowFailException(
                    "rt_kpi_minute does not exist in the warehouse: run the warehouse migrations "
                    f"(npx nx run @shoplens/storage:migrate) and start the streamer ({err})"
                ) from err
        log.info("%s", health.message)
        if not health.healthy:
            raise AirflowFailException(health.message)
        return health.as_dict()

    check_streamer()


shoplens_streamer_health()
