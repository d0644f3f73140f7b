"""Real runs of shoplens_daily: Airflow runs the built batch app on a simulated lake into
a fresh PostgreSQL database of the stack, and the day's KPI tables equal the simulator's truth."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
from dag_runs import run_dag, state, task_states

TZ = "America/New_York"
DAY = "2026-03-08"  # 23 hours long: DST starts
# A scheduled run for DAY starts when the day ends; dag.test takes the last complete day before this instant.
AFTER_DAY = datetime(2026, 3, 9, 0, 0, tzinfo=ZoneInfo(TZ))


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def assert_revenue_equals_the_truth(url: str, truth: dict) -> None:
    categories = rows(
        url,
        "select category, currency, gross_cents, units from kpi_revenue_by_category where day = %s and tz = %s "
        "order by category, currency",
        DAY,
        TZ,
    )
    assert categories == [
        (r["category"], r["currency"], r["gross_cents"], r["units"])
        for r in truth["revenue_by_category"]
        if r["date"] == DAY
    ]


def test_a_day_runs_end_to_end_and_equals_the_truth(dagbag, simulated, filled_lake, warehouse):
    _, truth = simulated
    dr = run_dag(dagbag, "shoplens_daily", AFTER_DAY)

    assert task_states(dr) == {
        "wait_for_raw_partitions": "success",
        "run_batch": "success",
        "check_quality": "success",
        "mark_done": "success",
    }
    assert state(dr.state) == "success"

    dau = rows(warehouse, "select day::text, users from kpi_daily_active_users where tz = %s", TZ)
    assert dau == [(DAY, next(r["users"] for r in truth["daily_active_users"] if r["date"] == DAY))]
    assert_revenue_equals_the_truth(warehouse, truth)
    hours = rows(warehouse, "select count(*), sum(orders) from kpi_orders_per_hour where day = %s and tz = %s", DAY, TZ)
    truth_hours = [r for r in truth["orders_per_hour"] if r["date"] == DAY]
    assert len(truth_hours) == 23
    assert hours[0][1] == sum(r["orders"] for r in truth_hours)

    runs = rows(warehouse, "select day::text, tz, status, quarantined > 0 from pipeline_runs")
    assert runs == [(DAY, TZ, "succeeded", True)]

    marker = json.loads((filled_lake / f"kpi/_done/dt={DAY}/tz=America~New_York.json").read_text())
    assert marker["day"] == DAY and marker["tz"] == TZ and marker["failures"] == []
    assert 0 < marker["quarantine_share"] < 0.05
    assert (filled_lake / f"kpi/daily_active_users/tz=America%2FNew_York/dt={DAY}").is_dir()


def test_a_failed_quality_check_fails_the_run_with_its_reason(
    dagbag, filled_lake, warehouse, monkeypatch, caplog
):
    # About 1 % of the simulated records are invalid; a 0.1 % limit must stop the day.
    monkeypatch.setenv("SHOPLENS_QUARANTINE_MAX_SHARE", "0.001")
    dr = run_dag(dagbag, "shoplens_daily", AFTER_DAY)

    assert state(dr.state) == "failed"
    assert task_states(dr) == {
        "wait_for_raw_partitions": "success",
        "run_batch": "success",
        "check_quality": "failed",
        "mark_done": "upstream_failed",
    }
    failures = [r.getMessage() for r in caplog.records if r.name == "shoplens" and r.levelname == "ERROR"]
    assert failures == [
        f"data-quality checks failed for {DAY} ({TZ}): quarantine share 1.17% for {DAY} ({TZ}) "
        "is above the limit 0.10% (34 quarantined, 2866 valid)"
    ]
    assert not (filled_lake / "kpi/_done").exists()
    # The batch itself succeeded: the gate is what held the day back.
    assert rows(warehouse, "select status from pipeline_runs") == [("succeeded",)]


def test_a_rerun_replaces_the_day(dagbag, simulated, filled_lake, warehouse):
    first = run_dag(dagbag, "shoplens_daily", AFTER_DAY)
    before = rows(warehouse, "select category, currency, gross_cents, units from kpi_revenue_by_category order by 1, 2")
    second = run_dag(dagbag, "shoplens_daily", AFTER_DAY)
    assert state(first.state) == state(second.state) == "success"
    after = rows(warehouse, "select category, currency, gross_cents, units from kpi_revenue_by_category order by 1, 2")
    assert after == before
    assert rows(warehouse, "select count(*), count(distinct run_id) from pipeline_runs where status = 'succeeded'") == [
        (2, 2)
    ]


def retrying_dagbag(monkeypatch):
    """The DAGs parsed with two immediate retries, to see which failures skip them."""
    from airflow.dag_processing.dagbag import BundleDagBag
    from conftest import DAGS

    monkeypatch.setenv("SHOPLENS_RETRIES", "2")
    monkeypatch.setenv("SHOPLENS_RETRY_DELAY_MINUTES", "0")
    monkeypatch.setenv("SHOPLENS_MAX_RETRY_DELAY_MINUTES", "0")
    bag = BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)
    assert bag.get_dag("shoplens_daily").get_task("run_batch").retries == 2
    return bag


def tries(dag_run, task_id: str) -> int:
    return next(ti.try_number for ti in dag_run.get_task_instances() if ti.task_id == task_id)


def test_a_rejected_load_fails_at_once_without_retries(filled_lake, warehouse, monkeypatch):
    from conftest import migrate_warehouse

    bag = retrying_dagbag(monkeypatch)
    migrate_warehouse(warehouse)
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("alter table kpi_daily_active_users add constraint never check (users < 0)")
    dr = run_dag(bag, "shoplens_daily", AFTER_DAY)

    assert state(dr.state) == "failed"
    assert task_states(dr)["run_batch"] == "failed"
    assert tries(dr, "run_batch") == 1
    assert rows(warehouse, "select status, error_code from pipeline_runs") == [("failed", "rejected")]


def test_an_unreachable_warehouse_is_retried(filled_lake, monkeypatch):
    bag = retrying_dagbag(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:x@127.0.0.1:1/none")
    dr = run_dag(bag, "shoplens_daily", AFTER_DAY)

    assert state(dr.state) == "failed"
    assert task_states(dr)["run_batch"] == "failed"
    assert tries(dr, "run_batch") == 3


def test_the_spark_engine_runs_the_day_through_the_same_gates(dagbag, simulated, filled_lake, warehouse, monkeypatch):
    import subprocess

    from conftest import REPO, migrate_warehouse

    # The Spark engine's virtualenv, as tools/stack prepares it on first use.
    subprocess.run(["npm", "run", "-s", "stack", "--", "install", "spark"], cwd=REPO, check=True, capture_output=True)
    # The Spark job needs a migrated warehouse (docs/spark.md); the batch migrates its own.
    migrate_warehouse(warehouse)
    monkeypatch.setenv("SHOPLENS_ENGINE", "spark")
    monkeypatch.setenv("SPARK_MASTER", "local[2]")
    _, truth = simulated
    dr = run_dag(dagbag, "shoplens_daily", AFTER_DAY)

    assert task_states(dr) == {
        "wait_for_raw_partitions": "success",
        "run_batch": "success",
        "check_quality": "success",
        "mark_done": "success",
    }
    dau = rows(warehouse, "select day::text, users from kpi_daily_active_users where tz = %s", TZ)
    assert dau == [(DAY, next(r["users"] for r in truth["daily_active_users"] if r["date"] == DAY))]
    assert_revenue_equals_the_truth(warehouse, truth)
    hours = rows(warehouse, "select count(*), sum(orders) from kpi_orders_per_hour where day = %s and tz = %s", DAY, TZ)
    truth_hours = [r for r in truth["orders_per_hour"] if r["date"] == DAY]
    assert hours[0] == (23, sum(r["orders"] for r in truth_hours))
    # Every other table against the truth, and against the batch, is spark/tests'.
    runs = rows(warehouse, "select day::text, tz, status, quarantined > 0, details->>'engine' from pipeline_runs")
    assert runs == [(DAY, TZ, "succeeded", True, "spark")]
    assert (filled_lake / f"kpi/daily_active_users/tz=America%2FNew_York/dt={DAY}/part-00000.parquet").is_file()
