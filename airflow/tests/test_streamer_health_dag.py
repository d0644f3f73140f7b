"""Real runs of shoplens_streamer_health against rt_kpi_minute in a migrated warehouse."""
from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest
from conftest import migrate_warehouse
from dag_runs import run_dag, state

NOW = datetime.now(timezone.utc)


@pytest.fixture
def migrated(warehouse):
    migrate_warehouse(warehouse)
    return warehouse


def write_minutes(url: str, updated_ago_s: int, minute_ago_s: int) -> None:
    with psycopg.connect(url) as conn:
        for currency in ("USD", "EUR"):
            conn.execute(
                "insert into rt_kpi_minute (minute_start, currency, events, active_users, orders, revenue_cents, updated_at) "
                "values (date_trunc('minute', now() - make_interval(secs => %s)), %s, 120, 40, 3, 4500, "
                "now() - make_interval(secs => %s))",
                (minute_ago_s, currency, updated_ago_s),
            )


def shoplens_messages(caplog, level: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "shoplens" and r.levelname == level]


def test_a_fresh_streamer_is_reported_healthy(dagbag, migrated, caplog):
    write_minutes(migrated, updated_ago_s=20, minute_ago_s=90)
    dr = run_dag(dagbag, "shoplens_streamer_health", NOW)
    assert state(dr.state) == "success"
    (message,) = shoplens_messages(caplog, "INFO")
    assert message.startswith("streamer is healthy: freshness 2")  # about 20 s
    # Events are repeated on each currency row of a minute: 120, not 240.
    assert message.endswith("120 events in the last 15 minutes")


def test_a_stale_streamer_fails_the_check(dagbag, migrated, caplog):
    write_minutes(migrated, updated_ago_s=3600, minute_ago_s=3700)
    dr = run_dag(dagbag, "shoplens_streamer_health", NOW)
    assert state(dr.state) == "failed"
    (message,) = shoplens_messages(caplog, "INFO")
    assert message.startswith("streamer is stale: freshness 36")
    assert message.endswith("limit 300 s")


def test_an_empty_table_is_reported(dagbag, migrated, caplog):
    dr = run_dag(dagbag, "shoplens_streamer_health", NOW)
    assert state(dr.state) == "failed"
    assert shoplens_messages(caplog, "INFO") == ["rt_kpi_minute is empty: the streamer has not written any minute yet"]
