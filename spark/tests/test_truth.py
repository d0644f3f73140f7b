"""The Spark job's KPI tables equal the simulator's independent truth, to the cent, on the
2026 spring-forward day in Europe/Berlin (23 local hours), with every fault injected; and
on the spring-forward day of America/New_York, west of UTC, with the day before in the lake."""
from __future__ import annotations

import gzip
from collections import defaultdict
from datetime import datetime, timezone

import pyarrow.parquet as pq
import pytest

from conftest import require_built
from lake_fill import land, simulate

DAY, TZ = "2026-03-29", "Europe/Berlin"


@pytest.fixture(scope="module")
def day_run(tmp_path_factory, spark, contract):
    from shoplens_spark.job import DayOptions, run_day
    from shoplens_spark.lake import open_lake

    require_built("simulator")
    work = tmp_path_factory.mktemp("truth")
    lines, truth = simulate(work, start=DAY, days=1, tz=TZ, events=6000, seed=29, invalid_rate=0.03)
    lake_dir = work / "lake"
    land(lines, lake_dir, first_hour=datetime(2026, 3, 28, 23, tzinfo=timezone.utc))
    lake = open_lake(str(lake_dir), None)
    report = run_day(spark, lake, None, contract, DayOptions(DAY, "europe/berlin", 2, False))
    return report, truth, lake_dir


def test_the_day_is_cut_in_the_zone(day_run):
    report, truth, _ = day_run
    assert truth["dates"] == [DAY]
    assert report["tz"] == TZ
    assert len(report["kpis"]["ordersPerHour"]) == 23


def assert_tables_equal_the_truth(kpis: dict, truth: dict, day: str) -> None:
    k = kpis
    assert [r["users"] for r in k["dailyActiveUsers"]] == [r["users"] for r in truth["daily_active_users"] if r["date"] == day]
    assert [{x: r[x] for x in ("category", "currency", "gross_cents", "units")} for r in k["revenueByCategory"]] == [
        {x: r[x] for x in ("category", "currency", "gross_cents", "units")} for r in truth["revenue_by_category"] if r["date"] == day
    ]
    assert [{x: r[x] for x in ("currency", "orders", "gross_cents", "refund_cents", "net_cents")} for r in k["revenueDaily"]] == [
        {x: r[x] for x in ("currency", "orders", "gross_cents", "refund_cents", "net_cents")} for r in truth["revenue_by_day"] if r["date"] == day
    ]
    units: dict = defaultdict(lambda: {"units": 0, "revenue": {}})
    for r in k["productSales"]:
        u = units[(r["product_id"], r["category"])]
        u["units"] += r["units"]
        u["revenue"][r["currency"]] = r["revenue_cents"]
    assert dict(units) == {
        (p["product_id"], p["category"]): {"units": p["units"], "revenue": p["revenue_cents"]}
        for p in truth["top_products"]
        if p["date"] == day
    }
    from shoplens_spark.zones import iso_instant

    assert [iso_instant(h["hour_start"]) for h in k["ordersPerHour"]] == [h["hour_start"] for h in truth["orders_per_hour"] if h["date"] == day]
    assert [(iso_instant(h["hour_start"]), h["orders"]) for h in k["ordersPerHour"] if h["orders"] > 0] == [
        (h["hour_start"], h["orders"]) for h in truth["orders_per_hour"] if h["orders"] > 0 and h["date"] == day
    ]


def test_every_kpi_table_equals_the_truth(day_run):
    report, truth, _ = day_run
    assert_tables_equal_the_truth(report["kpis"], truth, DAY)


def test_a_day_west_of_utc_equals_the_truth_with_the_day_before_in_the_lake(tmp_path, spark, contract):
    """America/New_York's spring-forward day starts at 05:00 UTC; the hour before it holds the
    evening of the day before, whose orders are not the day's. The traffic of airflow/tests,
    where one such order once made books/USD 7093 cents instead of 5195."""
    from shoplens_spark.job import DayOptions, run_day
    from shoplens_spark.lake import open_lake

    require_built("simulator")
    day = "2026-03-08"
    lines, truth = simulate(
        tmp_path, start="2026-03-07", days=2, tz="America/New_York", events=6000, seed=7, invalid_rate=0.01,
        faults={"duplicate-rate": 0.02, "double-purchase-rate": 0.1, "late-rate": 0.02},
    )
    land(lines, tmp_path / "lake", first_hour=datetime(2026, 3, 7, 5, tzinfo=timezone.utc))
    report = run_day(spark, open_lake(str(tmp_path / "lake"), None), None, contract, DayOptions(day, "America/New_York", 2, False))
    assert_tables_equal_the_truth(report["kpis"], truth, day)
    assert len(report["kpis"]["ordersPerHour"]) == 23


def test_counts_equal_the_truth_and_malformed_lines_are_quarantined(day_run):
    report, truth, lake_dir = day_run
    records = truth["records"]
    assert records["invalid"] > 50
    assert report["valid"] == records["valid"]
    assert report["duplicate"] == records["duplicate_events"]
    assert report["duplicateOrders"] == records["duplicate_orders"]
    # Every valid event is of the day; a line in an hour outside it (an invalid record with
    # a far-off event_time lands there) is the run of that hour's day to quarantine.
    outside = 0
    for path in (lake_dir / "raw").rglob("*.jsonl.gz"):
        hour = datetime.strptime(path.parent.parent.name[3:] + path.parent.name[5:], "%Y-%m-%d%H").replace(tzinfo=timezone.utc)
        if not (datetime(2026, 3, 28, 23, tzinfo=timezone.utc) <= hour < datetime(2026, 3, 29, 22, tzinfo=timezone.utc)):
            outside += sum(1 for line in gzip.decompress(path.read_bytes()).split(b"\n") if line)
    assert report["quarantined"] == records["invalid"] - outside
    assert report["quarantined"] > 50
    assert report["input"] == records["total"] - outside
    assert sum(report["reasons"].values()) == report["quarantined"]


def test_the_kpi_parquet_holds_the_same_rows(day_run):
    report, _, lake_dir = day_run
    from shoplens_spark.job import KPI_PART, kpi_prefix
    from shoplens_spark.tables import KPI_TABLES

    for key, (dataset, _) in KPI_TABLES.items():
        table = pq.read_table(lake_dir / kpi_prefix(dataset, DAY, TZ) / KPI_PART)
        rows = table.to_pylist()
        if key == "ordersPerHour":
            rows = [{**r, "hour_start": int(r["hour_start"].timestamp() * 1000)} for r in rows]
        assert rows == report["kpis"][key], dataset
