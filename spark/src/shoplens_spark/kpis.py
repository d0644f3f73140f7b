"""The day's KPI tables from the raw zone, on Spark: the definitions of docs/batch.md.

Raw lines are validated on the executors with the contract compiled from the JSON Schema
(one Arrow batch at a time); what follows is Spark SQL: event_id dedup within the day,
order dedup over the whole window read (earliest event_time, then smallest event_id),
then small aggregates that the driver collects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .contract import Contract, Validator
from .zones import BUCKET_MS, HOUR_MS, DayPlan

ITEM = T.StructType(
    [
        T.StructField("product_id", T.StringType()),
        T.StructField("category", T.StringType()),
        T.StructField("price_cents", T.LongType()),
        T.StructField("quantity", T.LongType()),
    ]
)
PARSED = T.StructType(
    [
        T.StructField("valid", T.BooleanType(), False),
        T.StructField("own", T.BooleanType(), False),
        T.StructField("reason", T.StringType()),
        T.StructField("eid", T.StringType()),
        T.StructField("event_id", T.StringType()),
        T.StructField("event_type", T.StringType()),
        T.StructField("t_ms", T.LongType()),
        T.StructField("hour_ms", T.LongType()),
        T.StructField("user_id", T.StringType()),
        T.StructField("session_id", T.StringType()),
        T.StructField("order_id", T.StringType()),
        T.StructField("currency", T.StringType()),
        T.StructField("amount_cents", T.LongType()),
        T.StructField("items", T.ArrayType(ITEM)),
    ]
)
_ARROW_ITEM = pa.struct(
    [("product_id", pa.string()), ("category", pa.string()), ("price_cents", pa.int64()), ("quantity", pa.int64())]
)
_ARROW_PARSED = pa.schema(
    [
        pa.field("valid", pa.bool_(), False),
        pa.field("own", pa.bool_(), False),
        ("reason", pa.string()),
        ("eid", pa.string()),
        ("event_id", pa.string()),
        ("event_type", pa.string()),
        ("t_ms", pa.int64()),
        ("hour_ms", pa.int64()),
        ("user_id", pa.string()),
        ("session_id", pa.string()),
        ("order_id", pa.string()),
        ("currency", pa.string()),
        ("amount_cents", pa.int64()),
        ("items", pa.list_(_ARROW_ITEM)),
    ]
)
_FILE_HOUR = re.compile(r"/raw/topic=[^/]+/dt=(\d{4})-(\d{2})-(\d{2})/hour=(\d{2})/[^/]+$")
MAX_SAFE = 2**53 - 1


def _file_hour_ms(uri: str) -> int | None:
    from calendar import timegm

    m = _FILE_HOUR.search(uri)
    if not m:
        return None
    y, mo, d, h = (int(g) for g in m.groups())
    return timegm((y, mo, d, h, 0, 0)) * 1000


def parse_partitions(contract: Contract, plan: DayPlan):
    """The function `mapInArrow` runs on the executors: raw lines in, parsed rows out.

    Valid events outside the day are dropped here unless they are purchases (order
    dedup needs the window's); invalid lines are kept (reason only) for the count.
    """
    buckets = plan.hour_of_bucket
    start, end = plan.start_ms, plan.end_ms

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        validator = Validator(contract)
        own_of: dict[str, bool] = {}
        for batch in batches:
            cols: dict[str, list] = {name: [] for name in _ARROW_PARSED.names}
            values = batch.column("value").to_pylist()
            files = batch.column("file").to_pylist()
            for line, uri in zip(values, files):
                own = own_of.get(uri)
                if own is None:
                    hour = _file_hour_ms(uri)
                    own = own_of[uri] = hour is not None and hour + HOUR_MS > start and hour < end
                event, ms, reason = validator.parse(line)
                if event is None:
                    row = (False, own, reason) + (None,) * 11
                else:
                    hour_ms = buckets.get(ms // BUCKET_MS)
                    kind = event["event_type"]
                    if hour_ms is None and kind != "purchase":
                        # Counted as a line read; nothing else of it is needed.
                        row = (True, own) + (None,) * 12
                        for name, value in zip(_ARROW_PARSED.names, row):
                            cols[name].append(value)
                        continue
                    items = None
                    if kind == "purchase":
                        items = [
                            {
                                "product_id": i["product_id"],
                                "category": i["category"],
                                "price_cents": i["price_cents"],
                                "quantity": i["quantity"],
                            }
                            for i in event["items"]
                        ]
                    row = (
                        True,
                        own,
                        None,
                        event["event_id"].lower(),
                        event["event_id"],
                        kind,
                        ms,
                        hour_ms,
                        event["user_id"],
                        event["session_id"],
                        event.get("order_id"),
                        event.get("currency"),
                        event.get("amount_cents") if kind == "refund" else None,
                        items,
                    )
                for name, value in zip(_ARROW_PARSED.names, row):
                    cols[name].append(value)
            yield pa.RecordBatch.from_arrays(
                [pa.array(cols[f.name], type=f.type) for f in _ARROW_PARSED], schema=_ARROW_PARSED
            )

    return run


def read_parsed(spark: SparkSession, uris: list[str], contract: Contract, plan: DayPlan) -> DataFrame:
    raw = (
        spark.read.option("lineSep", "\n")
        .text(uris)
        .where(F.length("value") > 0)
        .select(F.col("value").cast("binary").alias("value"), F.input_file_name().alias("file"))
    )
    return raw.mapInArrow(parse_partitions(contract, plan), PARSED)


@dataclass(frozen=True)
class DayResult:
    kpis: dict[str, list[dict]]
    valid: int
    duplicate: int
    duplicate_orders: int
    quarantined: int
    lines: int
    reasons: dict[str, int]


def _sorted(rows: list[dict], *keys: str) -> list[dict]:
    # JavaScript compares strings by UTF-16 code units; so does this key.
    return sorted(rows, key=lambda r: tuple(str(r[k]).encode("utf-16-be") for k in keys))


def compute_day(parsed: DataFrame, plan: DayPlan) -> DayResult:
    """Every KPI table of the day, as the rows the batch computes (`day` first)."""
    day = plan.day
    import logging
    import time

    log = logging.getLogger("shoplens_spark")
    t0 = time.time()
    parsed = parsed.persist()
    try:
        in_day = F.col("valid") & F.col("hour_ms").isNotNull()
        counts = parsed.agg(
            F.count(F.lit(1)).alias("lines"),
            F.sum(F.when(~F.col("valid") & F.col("own"), 1).otherwise(0)).alias("quarantined"),
            F.sum(F.when(in_day, 1).otherwise(0)).alias("valid"),
            F.count_distinct(F.when(in_day, F.col("eid"))).alias("distinct"),
        ).first()
        log.debug("parsed and counted in %.1f s", time.time() - t0)
        reasons = {
            r["reason"]: r["n"]
            for r in parsed.where(~F.col("valid") & F.col("own")).groupBy("reason").agg(F.count(F.lit(1)).alias("n")).collect()
        }
        events = parsed.where(in_day).dropDuplicates(["eid"])
        sessions = lambda kind: F.count_distinct(F.when(F.col("event_type") == kind, F.col("session_id")))  # noqa: E731
        e = events.agg(
            F.count_distinct("user_id").alias("users"),
            F.count_distinct("session_id").alias("sessions"),
            sessions("product_view").alias("product_view"),
            sessions("add_to_cart").alias("add_to_cart"),
            sessions("checkout_started").alias("checkout_started"),
            sessions("purchase").alias("purchase"),
        ).first()
        refunds = {
            r["currency"]: int(r["cents"])
            for r in events.where(F.col("event_type") == "refund")
            .groupBy("currency")
            .agg(F.sum("amount_cents").alias("cents"))
            .collect()
        }

        purchases = parsed.where(F.col("valid") & (F.col("event_type") == "purchase")).dropDuplicates(["eid"])
        ranked = purchases.withColumn(
            "rank", F.row_number().over(Window.partitionBy("order_id").orderBy("t_ms", "event_id"))
        )
        duplicate_orders = ranked.where((F.col("rank") > 1) & F.col("hour_ms").isNotNull()).count()
        kept = ranked.where((F.col("rank") == 1) & F.col("hour_ms").isNotNull()).persist()
        by_hour = {r["hour_ms"]: r["n"] for r in kept.groupBy("hour_ms").agg(F.count(F.lit(1)).alias("n")).collect()}
        orders_by_currency = {
            r["currency"]: r["n"] for r in kept.groupBy("currency").agg(F.count(F.lit(1)).alias("n")).collect()
        }
        lines_ = kept.select("order_id", "currency", F.explode("items").alias("item")).select(
            "order_id",
            "currency",
            F.col("item.product_id").alias("product_id"),
            F.col("item.category").alias("category"),
            F.col("item.quantity").alias("quantity"),
            (F.col("item.price_cents") * F.col("item.quantity")).alias("cents"),
        ).persist()
        categories = [
            {"day": day, "category": r["category"], "currency": r["currency"], "gross_cents": int(r["gross"]), "orders": int(r["orders"]), "units": int(r["units"])}
            for r in lines_.groupBy("category", "currency")
            .agg(F.sum("cents").alias("gross"), F.count_distinct("order_id").alias("orders"), F.sum("quantity").alias("units"))
            .collect()
        ]
        products = [
            {"day": day, "product_id": r["product_id"], "category": r["category"], "currency": r["currency"], "units": int(r["units"]), "revenue_cents": int(r["revenue"])}
            for r in lines_.groupBy("product_id", "category", "currency")
            .agg(F.sum("quantity").alias("units"), F.sum("cents").alias("revenue"))
            .collect()
        ]
        gross_by_currency = {
            r["currency"]: int(r["gross"]) for r in lines_.groupBy("currency").agg(F.sum("cents").alias("gross")).collect()
        }
        log.debug("aggregated in %.1f s", time.time() - t0)
        kept.unpersist()
        lines_.unpersist()
    finally:
        parsed.unpersist()

    revenue = []
    for currency in set(orders_by_currency) | set(refunds):
        orders = int(orders_by_currency.get(currency, 0))
        gross = gross_by_currency.get(currency, 0)
        refund = refunds.get(currency, 0)
        revenue.append(
            {
                "day": day,
                "currency": currency,
                "orders": orders,
                "gross_cents": gross,
                "refund_cents": refund,
                "net_cents": gross - refund,
                # Half up, as Math.round on the batch's doubles.
                "aov_cents": None if orders == 0 else _js_round(gross / orders),
            }
        )
    kpis = {
        "dailyActiveUsers": [{"day": day, "users": int(e["users"])}],
        "revenueByCategory": _sorted(categories, "category", "currency"),
        "productSales": _sorted(products, "product_id", "category", "currency"),
        "ordersPerHour": [{"day": day, "hour_start": h, "orders": int(by_hour.get(h, 0))} for h in plan.hours],
        "revenueDaily": _sorted(revenue, "currency"),
        "funnelDaily": [
            {
                "day": day,
                "sessions": int(e["sessions"]),
                "product_view": int(e["product_view"]),
                "add_to_cart": int(e["add_to_cart"]),
                "checkout_started": int(e["checkout_started"]),
                "purchase": int(e["purchase"]),
            }
        ],
    }
    _check_sums(day, kpis)
    return DayResult(
        kpis=kpis,
        valid=int(counts["valid"]),
        duplicate=int(counts["valid"]) - int(counts["distinct"]),
        duplicate_orders=int(duplicate_orders),
        quarantined=int(counts["quarantined"]),
        lines=int(counts["lines"]),
        reasons=dict(sorted(reasons.items())),
    )


def _js_round(x: float) -> int:
    import math

    return int(math.floor(x + 0.5))


class SumOverflow(ValueError):
    pass


def _check_sums(day: str, kpis: dict[str, list[dict]]) -> None:
    for key in ("revenueByCategory", "productSales", "revenueDaily"):
        for row in kpis[key]:
            for column, value in row.items():
                if isinstance(value, int) and abs(value) > MAX_SAFE:
                    raise SumOverflow(f"{column} of {day} passes 2^53 - 1 ({value}); the day cannot be summed exactly")
