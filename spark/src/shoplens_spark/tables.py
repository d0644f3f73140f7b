"""The six KPI tables: dataset, columns and Arrow types, as libs/transforms/src/kpi/kpi-tables.ts
describes them (the cross-engine test holds both engines' tables to each other, column by column)."""
from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

# member of DayKpis -> (dataset, [(column, kind, nullable)]) after `day`; kinds as kpi-table.ts.
KPI_TABLES: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    "dailyActiveUsers": ("daily_active_users", [("users", "int8", False)]),
    "revenueByCategory": (
        "revenue_by_category",
        [("category", "text", False), ("currency", "currency", False), ("gross_cents", "int8", False), ("orders", "int8", False), ("units", "int8", False)],
    ),
    "productSales": (
        "product_sales",
        [
            ("product_id", "text", False),
            ("category", "text", False),
            ("currency", "currency", False),
            ("units", "int8", False),
            ("revenue_cents", "int8", False),
            # The name on the latest of the row's kept purchase lines that has one (by
            # event_time, then event_id, then line); null when none has.
            ("product_name", "text", True),
        ],
    ),
    "ordersPerHour": ("orders_per_hour", [("hour_start", "instant", False), ("orders", "int8", False)]),
    "revenueDaily": (
        "revenue_daily",
        [
            ("currency", "currency", False),
            ("orders", "int8", False),
            ("gross_cents", "int8", False),
            ("refund_cents", "int8", False),
            ("net_cents", "int8", False),
            ("aov_cents", "int8", True),
        ],
    ),
    "funnelDaily": (
        "funnel_daily",
        [("sessions", "int8", False), ("product_view", "int8", False), ("add_to_cart", "int8", False), ("checkout_started", "int8", False), ("purchase", "int8", False)],
    ),
}


def _arrow_type(kind: str) -> pa.DataType:
    if kind == "instant":
        return pa.timestamp("ms", tz="UTC")
    if kind == "int8":
        return pa.int64()
    return pa.string()


def arrow_schema(key: str) -> pa.Schema:
    _, columns = KPI_TABLES[key]
    return pa.schema([pa.field("day", pa.string(), False)] + [pa.field(n, _arrow_type(k), nullable) for n, k, nullable in columns])


def instant(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def encode_parquet(key: str, rows: list[dict]) -> bytes:
    """One KPI table of a day as Parquet (zstd, as the batch writes it)."""
    schema = arrow_schema(key)
    columns = []
    for field in schema:
        values = [r[field.name] for r in rows]
        columns.append(pa.array(values, type=field.type))
    table = pa.Table.from_arrays(columns, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()
