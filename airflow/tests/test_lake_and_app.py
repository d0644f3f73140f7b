"""The lake adapters against a directory and the stack's S3 server, and the real batch app's failures."""
from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import psycopg
from conftest import REPO, migrate_warehouse
from shoplens.batch_app import BatchAppError, batch_command, run_batch_app
from shoplens.lake import LocalLake, S3Lake, open_lake
from shoplens.raw_zone import list_raw


@pytest.fixture(params=["local", "s3"])
def lake(request, tmp_path):
    if request.param == "local":
        yield open_lake(str(tmp_path / "lake"), tmp_path)
        return
    endpoint = os.environ.get("S3_ENDPOINT")
    if not endpoint:
        raise RuntimeError("S3_ENDPOINT is not set: npm run stack -- up s3, then eval \"$(npm run -s stack -- env)\"")
    prefix = f"airflow-test-{uuid.uuid4().hex[:12]}/lake"
    s3 = open_lake(f"s3://shoplens/{prefix}", tmp_path, endpoint, dict(os.environ))
    assert isinstance(s3, S3Lake)
    yield s3
    for obj in s3.list(""):
        s3.client.delete_object(Bucket="shoplens", Key=f"{prefix}/{obj.key}")


def test_listing_gives_keys_relative_to_the_lake_with_their_write_time(lake):
    before = datetime.now(timezone.utc) - timedelta(seconds=2)
    keys = [
        "raw/topic=cart/dt=2026-03-08/hour=23/cart+0+0000000000000000000.jsonl.gz",
        "raw/topic=orders/dt=2026-03-08/hour=05/orders+1+0000000000000000007.jsonl.gz",
        "raw/topic=orders/dt=2026-03-09/hour=00/orders+1+0000000000000000009.jsonl.gz",
        "raw/topic=orders/dt=2026-03-08/hour=05/not-a-raw-file.txt",
    ]
    for key in keys:
        lake.write(key, b"x", "application/gzip")
    assert lake.list_dirs("raw/") == ["raw/topic=cart/", "raw/topic=orders/"]
    listed = sorted(lake.list("raw/topic=orders/"), key=lambda o: o.key)
    assert [o.key for o in listed] == sorted(keys[1:])
    assert all(before <= o.last_modified <= datetime.now(timezone.utc) + timedelta(seconds=2) for o in listed)
    assert lake.read(keys[0]) == b"x"

    found = list_raw(lake, datetime(2026, 3, 8, 5, tzinfo=timezone.utc), datetime(2026, 3, 9, 0, tzinfo=timezone.utc))
    assert sorted((o.topic, o.hour_start.hour) for o in found) == [("cart", 23), ("orders", 5)]


def test_relative_and_file_urls_resolve_like_the_apps(tmp_path):
    assert open_lake(".shoplens/lake", tmp_path).root == tmp_path / ".shoplens" / "lake"
    assert isinstance(open_lake(f"file://{tmp_path}/x", REPO), LocalLake)
    with pytest.raises(ValueError, match="unsupported lake URL 'gs://bucket/lake'"):
        open_lake("gs://bucket/lake", tmp_path)


def test_the_batch_app_failing_reports_its_message_and_exit_status(built_apps, tmp_path, warehouse):
    env = {**os.environ, "LAKE_URL": str(tmp_path / "empty-lake"), "DATABASE_URL": warehouse}
    with pytest.raises(BatchAppError) as caught:
        run_batch_app(batch_command("node", REPO, "2026-03-08", "UTC"), env, 120, logging.getLogger("test"))
    assert caught.value.exit_code == 3 and not caught.value.permanent
    assert str(caught.value).startswith(
        "batch exited with status 3 (no raw input for the day): no raw files for 2026-03-08 (UTC) under "
    )
    assert str(caught.value).endswith("pass --allow-empty to load an empty day")


def test_a_configuration_error_of_the_app_is_permanent(built_apps, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with pytest.raises(BatchAppError) as caught:
        run_batch_app(batch_command("node", REPO, "2026-03-08", "UTC"), env, 60, logging.getLogger("test"))
    assert (caught.value.exit_code, caught.value.permanent) == (2, True)
    assert "DATABASE_URL is not set" in str(caught.value)


def test_a_load_the_warehouse_rejects_is_permanent(built_apps, filled_lake, warehouse):
    # Every load of daily active users breaks this constraint: the same run fails again.
    migrate_warehouse(warehouse)
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("alter table kpi_daily_active_users add constraint never check (users < 0)")
    env = {**os.environ, "LAKE_URL": str(filled_lake), "DATABASE_URL": warehouse}
    with pytest.raises(BatchAppError) as caught:
        run_batch_app(batch_command("node", REPO, "2026-03-08", "America/New_York"), env, 120, logging.getLogger("test"))
    assert (caught.value.exit_code, caught.value.permanent) == (5, True)
    assert 'violates check constraint "never"' in str(caught.value)
    with psycopg.connect(warehouse) as conn:
        runs = conn.execute("select status, error_code from pipeline_runs").fetchall()
    assert runs == [("failed", "rejected")]


def test_an_unreachable_warehouse_is_worth_a_retry(built_apps, filled_lake):
    env = {**os.environ, "LAKE_URL": str(filled_lake), "DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none"}
    with pytest.raises(BatchAppError) as caught:
        run_batch_app(batch_command("node", REPO, "2026-03-08", "America/New_York"), env, 120, logging.getLogger("test"))
    assert (caught.value.exit_code, caught.value.permanent) == (4, False)
    assert "cannot reach the database" in str(caught.value)


def test_a_missing_build_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(BatchAppError, match=r"npx nx run @shoplens/batch:bundle"):
        run_batch_app(batch_command("node", tmp_path, "2026-03-08", "UTC"), {}, 10, logging.getLogger("test"))


def test_an_empty_day_loads_zeros_when_allowed(built_apps, tmp_path, warehouse):
    env = {**os.environ, "LAKE_URL": str(tmp_path / "empty-lake"), "DATABASE_URL": warehouse}
    (summary,) = run_batch_app(
        batch_command("node", REPO, "2026-03-08", "UTC", allow_empty=True), env, 120, logging.getLogger("test")
    )
    assert (summary["day"], summary["input"], summary["valid"]) == ("2026-03-08", 0, 0)
