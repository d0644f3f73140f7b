"""Data-quality gates for one reporting day, run after the batch loaded it.

`gather_day_facts` reads the warehouse and the lake; `evaluate` turns the facts into a
list of failures (empty: the day passes). A failure names the check and the numbers.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .lake import Lake
from .raw_zone import day_bounds

#: Money columns that can never be negative. kpi_revenue_daily.net_cents is left out on
#: purpose: refunds of earlier days' orders can exceed a day's gross revenue.
MONEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kpi_revenue_by_category", "gross_cents"),
    ("kpi_product_sales", "revenue_cents"),
    ("kpi_revenue_daily", "gross_cents"),
    ("kpi_revenue_daily", "refund_cents"),
    ("kpi_revenue_daily", "aov_cents"),
)


@dataclass(frozen=True)
class RunRow:
    run_id: str
    status: str
    input: int
    valid: int
    quarantined: int
    error: str | None
    finished_at: datetime | None


@dataclass(frozen=True)
class DayFacts:
    day: str
    tz: str
    run: RunRow | None
    #: "table.column" -> rows of the day with a negative value.
    negative_money: dict[str, int] = field(default_factory=dict)
    daily_active_users: int | None = None
    #: Invalid records in the quarantine zone that arrived during the day.
    quarantined_in_zone: int = 0

    @property
    def quarantine_share(self) -> float:
        valid = self.run.valid if self.run else 0
        total = valid + self.quarantined_in_zone
        return self.quarantined_in_zone / total if total else 0.0


def evaluate(facts: DayFacts, quarantine_max_share: float) -> list[str]:
    """Every failed check, as a sentence; an empty list means the day passes."""
    failures: list[str] = []
    where = f"{facts.day} ({facts.tz})"
    run = facts.run
    if run is None:
        return [f"pipeline_runs has no row for {where}: the batch did not record its run"]
    if run.status != "succeeded":
        # The day's tables are not this run's: the other gates would judge stale rows.
        return [f"pipeline_runs row {run.run_id} for {where} has status {run.status!r}: {run.error or 'no error text'}"]
    for column, rows in sorted(facts.negative_money.items()):
        if rows > 0:
            failures.append(f"{rows} row(s) of {column} are negative for {where}")
    if run.valid > 0 and not facts.daily_active_users:
        failures.append(
            f"daily active users is {facts.daily_active_users or 0} for {where} although {run.valid} valid events were read"
        )
    share = facts.quarantine_share
    if share > quarantine_max_share:
        failures.append(
            f"quarantine share {share:.2%} for {where} is above the limit {quarantine_max_share:.2%} "
            f"({facts.quarantined_in_zone} quarantined, {run.valid} valid)"
        )
    return failures


def latest_run(cur, day: str, tz: str, run_id: str | None) -> RunRow | None:
    query = (
        "select run_id, status, input, valid, quarantined, error, finished_at from pipeline_runs "
        "where day = %s and tz = %s"
    )
    params: list[object] = [day, tz]
    if run_id:
        query += " and run_id = %s"
        params.append(run_id)
    cur.execute(query + " order by started_at desc limit 1", params)
    row = cur.fetchone()
    return None if row is None else RunRow(row[0], row[1], int(row[2]), int(row[3]), int(row[4]), row[5], row[6])


def count_zone_quarantine(lake: Lake, day: str, tz: str) -> int:
    """Quarantined records (ingestor and batch alike) whose arrival falls in the local day."""
    start, end = day_bounds(day, tz)
    count = 0
    d = start.date()
    while datetime.combine(d, datetime.min.time(), timezone.utc) < end:
        for obj in lake.list(f"quarantine/dt={d.isoformat()}/"):
            if not obj.key.endswith(".jsonl.gz"):
                continue
            for line in gzip.decompress(lake.read(obj.key)).splitlines():
                if not line.strip():
                    continue
                arrival = json.loads(line).get("arrival_time")
                at = datetime.fromisoformat(arrival.replace("Z", "+00:00")) if arrival else None
                if at is None or start <= at < end:
                    count += 1
        d += timedelta(days=1)
    return count


def gather_day_facts(conn, lake: Lake, day: str, tz: str, run_id: str | None) -> DayFacts:
    with conn.cursor() as cur:
        run = latest_run(cur, day, tz, run_id)
        negative: dict[str, int] = {}
        for table, column in MONEY_COLUMNS:
            cur.execute(f"select count(*) from {table} where day = %s and tz = %s and {column} < 0", [day, tz])
            negative[f"{table}.{column}"] = int(cur.fetchone()[0])
        cur.execute("select users from kpi_daily_active_users where day = %s and tz = %s", [day, tz])
        row = cur.fetchone()
    return DayFacts(
        day=day,
        tz=tz,
        run=run,
        negative_money=negative,
        daily_active_users=None if row is None else int(row[0]),
        quarantined_in_zone=count_zone_quarantine(lake, day, tz),
    )
