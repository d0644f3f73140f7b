"""The DAG files load in the pinned Airflow, cheaply, with the intended shape."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from conftest import DAGS

DAG_IDS = {"shoplens_daily", "shoplens_late_data", "shoplens_streamer_health"}


def upstream(dag, task_id: str) -> set[str]:
    return set(dag.get_task(task_id).upstream_task_ids)


def test_every_dag_file_loads_without_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == DAG_IDS


def test_parsing_touches_no_database_or_s3_client():
    # A fresh interpreter, as the DAG processor has: parsing must not import psycopg or
    # boto3, which would mean connections or heavy work at parse time.
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from airflow.dag_processing.dagbag import BundleDagBag\n"
        f"bag = BundleDagBag(dag_folder={str(DAGS)!r}, bundle_path=Path({str(DAGS)!r}))\n"
        "print(json.dumps({'errors': list(bag.import_errors), 'dags': sorted(bag.dag_ids),"
        " 'loaded': sorted(m for m in ('psycopg', 'boto3', 'botocore') if m in sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"errors": [], "dags": sorted(DAG_IDS), "loaded": []}


def test_a_bad_setting_is_an_import_error_naming_the_variable():
    code = (
        "import json\n"
        "from pathlib import Path\n"
        "from airflow.dag_processing.dagbag import BundleDagBag\n"
        f"bag = BundleDagBag(dag_folder={str(DAGS)!r}, bundle_path=Path({str(DAGS)!r}))\n"
        "print(json.dumps(bag.import_errors))\n"
    )
    env = {**os.environ, "REPORT_TZ": "Mars/Olympus_Mons"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    errors = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(errors) == 3
    assert all("REPORT_TZ is not an IANA time zone: 'Mars/Olympus_Mons'" in e for e in errors.values())


def test_daily_dag_runs_after_each_local_midnight_with_catchup(dagbag):
    dag = dagbag.get_dag("shoplens_daily")
    timetable = dag.timetable
    assert type(timetable).__name__ == "CronDataIntervalTimetable"
    assert timetable.expression == "0 0 * * *"
    assert str(getattr(timetable.timezone, "name", timetable.timezone)) == "America/New_York"
    assert dag.catchup is True
    assert dag.max_active_runs == 2
    # Airflow keeps start_date in UTC: local midnight of 2026-01-01 in New York.
    assert dag.start_date.isoformat() == "2026-01-01T05:00:00+00:00"


def test_daily_dag_tasks_form_a_chain(dagbag):
    dag = dagbag.get_dag("shoplens_daily")
    assert set(dag.task_ids) == {"wait_for_raw_partitions", "run_batch", "check_quality", "mark_done"}
    assert upstream(dag, "wait_for_raw_partitions") == set()
    assert upstream(dag, "run_batch") == {"wait_for_raw_partitions"}
    assert upstream(dag, "check_quality") == {"run_batch"}
    assert upstream(dag, "mark_done") == {"check_quality"}
    sensor = dag.get_task("wait_for_raw_partitions")
    assert sensor.mode == "reschedule"
    assert [o.name for o in dag.get_task("mark_done").outlets] == ["shoplens_kpi_daily"]


def test_retries_back_off_and_the_batch_has_a_timeout(dagbag):
    # conftest sets SHOPLENS_RETRIES=0 so failures are final in these tests; the rest are defaults.
    for dag_id in ("shoplens_daily", "shoplens_late_data"):
        dag = dagbag.get_dag(dag_id)
        for t in dag.tasks:
            assert t.retries == 0
            assert t.retry_delay == timedelta(minutes=5)
            assert t.retry_exponential_backoff == 2.0
            assert t.max_retry_delay == timedelta(hours=1)
    batch = dagbag.get_dag("shoplens_daily").get_task("run_batch")
    assert batch.execution_timeout == timedelta(minutes=125)


def test_late_data_dag_fans_out_over_stale_days(dagbag):
    dag = dagbag.get_dag("shoplens_late_data")
    assert set(dag.task_ids) == {"find_stale_days", "rerun_batch", "check_quality"}
    assert upstream(dag, "rerun_batch") == {"find_stale_days"}
    assert upstream(dag, "check_quality") == {"rerun_batch"}
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.get_task("rerun_batch").max_active_tis_per_dag == 1
    assert dag.timetable.expression == "30 */6 * * *"


def test_streamer_health_dag_probes_every_five_minutes_without_retries(dagbag):
    dag = dagbag.get_dag("shoplens_streamer_health")
    assert dag.task_ids == ["check_streamer"]
    assert dag.timetable.expression == "*/5 * * * *"
    assert dag.catchup is False
    assert dag.get_task("check_streamer").retries == 0
