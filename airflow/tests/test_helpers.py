"""The DAGs' shared code on its own: time zones, readiness, quality gates, settings, late data."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from shoplens.batch_app import PERMANENT_EXIT_CODES, failure_message, spark_command
from shoplens.lake import LakeObject
from shoplens.late_data import DayStatus, classify, recent_days
from shoplens.quality import DayFacts, RunRow, evaluate
from shoplens.raw_zone import day_bounds, own_hours, parse_raw_key, partitions_ready, RawObject
from shoplens.settings import SettingsError, load_dag_settings, load_runtime_settings, postgres_url
from shoplens.streamer_health import StreamerSnapshot, assess

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_spring_forward_day_has_23_utc_hours():
    start, end = day_bounds("2026-03-08", "America/New_York")
    assert (start, end) == (at("2026-03-08T05:00:00"), at("2026-03-09T04:00:00"))
    assert len(own_hours("2026-03-08", "America/New_York")) == 23
    assert len(own_hours("2026-11-01", "America/New_York")) == 25


def test_a_half_hour_zone_touches_25_utc_hours():
    hours = own_hours("2026-03-08", "Asia/Kolkata")
    assert hours[0] == at("2026-03-07T18:00:00") and hours[-1] == at("2026-03-08T18:00:00")


def test_raw_keys_are_parsed_as_the_storage_layout_writes_them():
    obj = LakeObject("raw/topic=orders/dt=2026-03-08/hour=17/orders+2+0000000000000000042.jsonl.gz", at("2026-03-09T00:00:00"), 10)
    assert parse_raw_key(obj) == RawObject("orders", at("2026-03-08T17:00:00"), obj.key, obj.last_modified)
    assert parse_raw_key(LakeObject("raw/topic=orders/dt=2026-03-08/hour=17/cart+2+1.jsonl.gz", obj.last_modified, 1)) is None
    assert parse_raw_key(LakeObject("raw/topic=orders/dt=2026-03-08/hour=17/.orders+2+1.jsonl.gz.tmp", obj.last_modified, 1)) is None


def raw(hour: str) -> RawObject:
    return RawObject("pageviews", at(hour), f"k{hour}", at("2026-03-09T12:00:00"))


def test_a_day_is_ready_once_the_stream_reached_its_last_hour():
    settle = timedelta(hours=1)
    now = at("2026-03-09T04:30:00")
    waiting = partitions_ready("2026-03-08", "America/New_York", [raw("2026-03-08T12:00:00")], now, settle)
    assert not waiting.ready and "waiting for the stream to reach 2026-03-09T03Z" in waiting.reason
    assert partitions_ready("2026-03-08", "America/New_York", [raw("2026-03-08T12:00:00"), raw("2026-03-09T03:00:00")], now, settle).ready
    # A quiet last hour: ready once the settle time has passed since the end of the day.
    assert partitions_ready("2026-03-08", "America/New_York", [raw("2026-03-08T12:00:00")], at("2026-03-09T05:00:00"), settle).ready


def test_a_day_without_its_own_files_is_never_ready():
    r = partitions_ready("2026-03-08", "America/New_York", [raw("2026-03-09T10:00:00")], at("2026-03-20T00:00:00"), timedelta(0))
    assert not r.ready and r.reason.startswith("no raw files yet for 2026-03-08 (America/New_York)")


def facts(**changes) -> DayFacts:
    base = dict(
        day="2026-03-08",
        tz="UTC",
        run=RunRow("r1", "succeeded", 1010, 1000, 10, None, at("2026-03-09T01:00:00")),
        negative_money={"kpi_revenue_daily.gross_cents": 0},
        daily_active_users=50,
        quarantined_in_zone=10,
    )
    return DayFacts(**{**base, **changes})


def test_a_good_day_passes_every_gate():
    assert evaluate(facts(), 0.05) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"run": None}, "pipeline_runs has no row for 2026-03-08 (UTC)"),
        ({"run": RunRow("r1", "failed", 0, 0, 0, "lake down", None)}, "has status 'failed': lake down"),
        ({"negative_money": {"kpi_product_sales.revenue_cents": 2}}, "2 row(s) of kpi_product_sales.revenue_cents are negative"),
        ({"daily_active_users": 0}, "daily active users is 0 for 2026-03-08 (UTC) although 1000 valid events were read"),
        ({"quarantined_in_zone": 100}, "quarantine share 9.09% for 2026-03-08 (UTC) is above the limit 5.00%"),
    ],
)
def test_each_gate_names_what_failed(changes, expected):
    failures = evaluate(facts(**changes), 0.05)
    assert len(failures) == 1 and expected in failures[0]


def test_an_empty_day_needs_no_users():
    assert evaluate(facts(run=RunRow("r1", "succeeded", 0, 0, 0, None, None), daily_active_users=0, quarantined_in_zone=0), 0.0) == []


def test_late_days_are_those_with_raw_files_newer_than_their_last_load():
    days = recent_days(datetime(2026, 3, 10).date(), 3)
    assert days == ["2026-03-07", "2026-03-08", "2026-03-09"]
    statuses = classify(
        days,
        {"2026-03-07": at("2026-03-08T01:00:00"), "2026-03-08": at("2026-03-09T01:00:00")},
        {"2026-03-07": at("2026-03-09T10:00:00"), "2026-03-08": at("2026-03-08T23:00:00"), "2026-03-09": at("2026-03-10T00:00:00")},
    )
    assert [s.stale for s in statuses] == [True, False, False]
    assert statuses[2].describe() == "2026-03-09: never loaded successfully (left to the daily DAG)"
    assert DayStatus("2026-03-06", at("2026-03-07T01:00:00"), None).describe() == "2026-03-06: no raw files"


def test_dag_settings_have_defaults_and_name_bad_variables():
    s = load_dag_settings({})
    assert (s.report_tz, s.max_active_runs, s.retries, s.retry_delay) == ("UTC", 2, 3, timedelta(minutes=5))
    with pytest.raises(SettingsError, match="SHOPLENS_MAX_ACTIVE_RUNS must be between 1 and 64, got 0"):
        load_dag_settings({"SHOPLENS_MAX_ACTIVE_RUNS": "0"})
    with pytest.raises(SettingsError, match="SHOPLENS_START_DATE must be YYYY-MM-DD"):
        load_dag_settings({"SHOPLENS_START_DATE": "yesterday"})


def test_runtime_settings_prefer_connections_then_variables_then_the_environment():
    env = {"DATABASE_URL": "postgres://env/db", "LAKE_URL": "s3://env/lake", "SHOPLENS_QUARANTINE_MAX_SHARE": "0.2"}
    variables = {"shoplens_lake_url": "s3://variable/lake", "shoplens_aws_region": "eu-west-1"}
    s = load_runtime_settings(variables.get, env)
    assert (s.database_url, s.lake_url, s.quarantine_max_share) == ("postgres://env/db", "s3://variable/lake", 0.2)
    assert s.app_env == {"AWS_REGION": "eu-west-1"}

    conns = {
        "shoplens_warehouse": SimpleNamespace(login="u", password="p@ss", host="db", port=5433, schema="dw", extra_dejson={"sslmode": "require"}),
        "shoplens_lake": SimpleNamespace(login="AKIA", password="secret", extra_dejson={"endpoint_url": "http://minio:9000", "region_name": "us-east-1"}),
    }
    s = load_runtime_settings(variables.get, env, conns.get)
    assert s.database_url == "postgresql://u:p%40ss@db:5433/dw?sslmode=require"
    assert s.s3_endpoint == "http://minio:9000"
    child = s.child_env({"PATH": "/bin"}, "Europe/Berlin")
    assert child["AWS_ACCESS_KEY_ID"] == "AKIA" and child["AWS_SECRET_ACCESS_KEY"] == "secret"
    assert (child["REPORT_TZ"], child["S3_ENDPOINT"], child["LAKE_URL"]) == ("Europe/Berlin", "http://minio:9000", "s3://variable/lake")


def test_runtime_settings_say_where_the_database_url_can_come_from():
    with pytest.raises(SettingsError, match="DATABASE_URL is not set: define the Airflow Connection 'shoplens_warehouse'"):
        load_runtime_settings(lambda _k: None, {})
    with pytest.raises(SettingsError, match="SHOPLENS_QUARANTINE_MAX_SHARE must be between 0.0 and 1.0, got 5.0"):
        load_runtime_settings(lambda _k: None, {"DATABASE_URL": "postgres://x/y", "SHOPLENS_QUARANTINE_MAX_SHARE": "5"})


def test_the_engine_is_the_batch_unless_spark_is_named():
    env = {"DATABASE_URL": "postgres://env/db"}
    assert load_runtime_settings(lambda _k: None, env).engine == "batch"
    s = load_runtime_settings({"shoplens_engine": "Spark"}.get, {**env, "SPARK_MASTER": "spark://m:7077"})
    assert (s.engine, s.spark_master, s.spark_submit) == ("spark", "spark://m:7077", None)
    assert load_runtime_settings(lambda _k: None, {**env, "SHOPLENS_ENGINE": "spark"}).spark_master == "local[*]"
    with pytest.raises(SettingsError, match="SHOPLENS_ENGINE must be one of batch, spark, got 'flink'"):
        load_runtime_settings(lambda _k: None, {**env, "SHOPLENS_ENGINE": "flink"})


def test_the_spark_engine_is_submitted_with_the_batch_arguments(tmp_path):
    command = spark_command(None, "yarn", tmp_path, "2026-03-08", "America/New_York", allow_empty=True)
    assert command.argv() == [
        str(tmp_path / ".cache/spark/venv/bin/spark-submit"),
        "--master", "yarn",
        str(tmp_path / "spark/submit.py"),
        "daily", "--date", "2026-03-08", "--tz", "America/New_York", "--allow-empty",
    ]
    assert command.env["SHOPLENS_ROOT"] == str(tmp_path)
    assert failure_message(["spark: no raw files for 2026-03-08 (UTC) under /lake"], 3) == (
        "batch exited with status 3 (no raw input for the day): no raw files for 2026-03-08 (UTC) under /lake"
    )


def test_postgres_url_without_password_or_port():
    conn = SimpleNamespace(login="reader", password=None, host="db", port=None, schema="shoplens", extra_dejson={})
    assert postgres_url(conn) == "postgresql://reader@db/shoplens"


def test_batch_failures_carry_the_apps_own_message():
    tail = ['{"level":50,"msg":"batch failed"}', "batch: no raw files for 2026-03-08 (UTC) under /lake"]
    assert failure_message(tail, 3) == (
        "batch exited with status 3 (no raw input for the day): no raw files for 2026-03-08 (UTC) under /lake"
    )
    assert failure_message(["Segmentation fault"], 139) == "batch exited with status 139 (unknown status): Segmentation fault"
    assert failure_message(["batch: cannot load the warehouse: duplicate key"], 5) == (
        "batch exited with status 5 (rejected by the warehouse or the lake, a retry cannot help): "
        "cannot load the warehouse: duplicate key"
    )


def test_only_configuration_and_rejected_data_are_permanent():
    assert PERMANENT_EXIT_CODES == frozenset({2, 5})


def test_streamer_freshness_and_lag():
    now = at("2026-03-08T12:00:30")
    snap = StreamerSnapshot(now, 4, at("2026-03-08T12:00:00"), at("2026-03-08T11:58:00"), 900)
    h = assess(snap, 300)
    assert (h.healthy, h.freshness_seconds, h.lag_seconds) == (True, 30.0, 90.0)
    assert not assess(snap, 10).healthy
