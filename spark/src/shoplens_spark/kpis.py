"""The day's KPI tables from the raw zone, on Spark: the definitions of docs/batch.md.

Raw lines are validated by Spark SQL expressions generated from the contract's JSON Schema
(validation.py); what follows is Spark SQL too: event_id dedup within the day,
order dedup over the whole window read (earliest event_time, then smallest event_id),
then small aggregates that the driver collects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

import numpy as np
import pyarrow as pa

from .contract import Contract
from .day_index import EarlierDays
from .validation import field, items, validate
from .zones import BUCKET_MS, HOUR_MS, DayPlan

ITEM = T.StructType(
    [
        T.StructField("product_id", T.StringType()),
        T.StructField("category", T.StringType()),
        T.StructField("price_cents", T.LongType()),
        T.StructField("quantity", T.LongType()),
        T.StructField("product_name", T.StringType()),
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
MAX_SAFE = 2**53 - 1


def validated(lines: DataFrame, contract: Contract) -> DataFrame:
    """`lines` (a string column `value`, one raw line each) with `reason` (NULL for a valid
    event, else the batch's reason code) and, for a valid one, `t_ms` and the parsed wrapper
    `w` (see validation.py): JVM expressions generated from the contract's JSON Schema."""
    return validate(lines, contract.schema, contract.event_bytes)


def read_parsed(spark: SparkSession, uris: list[str], contract: Contract, plan: DayPlan, own_hours: list[str]) -> DataFrame:
    """The window's raw lines, validated, as the columns of PARSED.

    Valid events outside the day keep no fields unless they are purchases (order dedup
    needs the window's); invalid lines keep their reason only, for the counts. `own_hours`
    are the `dt=…/hour=…` partitions of the day's own hours (where quarantine is counted).
    """
    raw = (
        spark.read.option("lineSep", "\n")
        .text(uris)
        .select("value", F.input_file_name().alias("file"))
        .where(F.octet_length("value") > 0)
    )
    checked = validated(raw, contract)
    buckets = F.create_map(*[x for key, hour in sorted(plan.hour_of_bucket.items()) for x in (F.lit(key), F.lit(hour))])
    hour = F.try_element_at(buckets, F.floor(F.col("t_ms") / BUCKET_MS))
    kind = field("w", "event_type")
    valid = F.col("reason").isNull()
    keep = valid & (hour.isNotNull() | (kind == "purchase"))
    partition = F.regexp_extract("file", r"/raw/topic=[^/]+/(dt=\d{4}-\d{2}-\d{2}/hour=\d{2})/[^/]+$", 1)
    def kept(column: Column) -> Column:
        return F.when(keep, column)

    event_id = field("w", "event_id")
    return checked.select(
        valid.alias("valid"),
        partition.isin(own_hours).alias("own"),
        F.col("reason"),
        kept(F.lower(event_id)).alias("eid"),
        kept(event_id).alias("event_id"),
        kept(kind).alias("event_type"),
        kept(F.col("t_ms")).alias("t_ms"),
        F.when(valid, hour).alias("hour_ms"),
        kept(field("w", "user_id")).alias("user_id"),
        kept(field("w", "session_id")).alias("session_id"),
        kept(F.when(kind.isin("purchase", "refund"), field("w", "order_id"))).alias("order_id"),
        kept(field("w", "currency")).alias("currency"),
        kept(F.when(kind == "refund", field("w", "amount_cents", "bigint"))).alias("amount_cents"),
        kept(F.when(kind == "purchase", items("w", [(f.name, "bigint" if f.dataType == T.LongType() else "string") for f in ITEM.fields]))).alias("items"),
    )


@dataclass(frozen=True)
class DayResult:
    kpis: dict[str, list[dict]]
    valid: int
    duplicate: int
    duplicate_orders: int
    quarantined: int
    lines: int
    reasons: dict[str, int]
    repeated_events: int = 0
    cross_day_duplicate_orders: int = 0
    #: The day's cross-day index: distinct event ids (n x 16 bytes) and orders' first purchases.
    index_event_keys: "np.ndarray | None" = None
    index_orders: list[dict] | None = None


def _sorted(rows: list[dict], *keys: str) -> list[dict]:
    # JavaScript compares strings by UTF-16 code units; so does this key.
    return sorted(rows, key=lambda r: tuple(str(r[k]).encode("utf-16-be") for k in keys))


def compute_day(parsed: DataFrame, plan: DayPlan, earlier: "EarlierDays | None" = None) -> DayResult:
    """Every KPI table of the day, as the rows the batch computes (`day` first).

    `earlier` is the cross-day index of the look-back (day_index.py): an event of the day
    whose id an earlier day holds is a repeat (a duplicate, in no KPI), and a purchase of
    an order an earlier day holds is a duplicate order. The day's own index is returned.
    """
    day = plan.day
    import logging
    import time

    log = logging.getLogger("shoplens_spark")
    t0 = time.time()
    spark = parsed.sparkSession
    in_day = F.col("valid") & F.col("hour_ms").isNotNull()
    key = F.unhex(F.regexp_replace("eid", "-", ""))
    if earlier is not None and earlier.event_parts:
        seen = spark.read.parquet(*earlier.event_parts).select(F.col("event_id").alias("key")).distinct()
        parsed = parsed.join(
            seen.withColumn("repeat", F.lit(True)),
            on=[in_day & (key == F.col("key"))],
            how="left",
        ).drop("key")
        parsed = parsed.withColumn("repeat", F.coalesce(F.col("repeat"), F.lit(False)) & in_day)
    else:
        parsed = parsed.withColumn("repeat", F.lit(False))
    # Validated once, then cut from its plan: every query after this one plans against the
    # narrow checkpoint, not again against the contract's large expression.
    parsed = parsed.localCheckpoint(eager=True)
    try:
        counted = in_day & ~F.col("repeat")
        counts = parsed.agg(
            F.count(F.lit(1)).alias("lines"),
            F.sum(F.when(~F.col("valid") & F.col("own"), 1).otherwise(0)).alias("quarantined"),
            F.sum(F.when(in_day, 1).otherwise(0)).alias("valid"),
            F.count_distinct(F.when(counted, F.col("eid"))).alias("distinct"),
            F.count_distinct(F.when(F.col("repeat"), F.col("eid"))).alias("repeats"),
        ).first()
        log.debug("parsed and counted in %.1f s", time.time() - t0)
        reasons = {
            r["reason"]: r["n"]
            for r in parsed.where(~F.col("valid") & F.col("own")).groupBy("reason").agg(F.count(F.lit(1)).alias("n")).collect()
        }
        # The day's part of the cross-day index: every distinct valid event id of the day.
        event_keys = _keys(parsed.where(in_day).select(key.alias("key")).distinct())
        events = parsed.where(counted).dropDuplicates(["eid"])
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

        purchases = parsed.where(F.col("valid") & (F.col("event_type") == "purchase") & ~F.col("repeat")).dropDuplicates(["eid"])
        if earlier is not None and earlier.order_parts:
            known = spark.read.parquet(*earlier.order_parts).select("order_id").distinct().withColumn("earlier", F.lit(True))
            purchases = purchases.join(F.broadcast(known), on="order_id", how="left")
            purchases = purchases.withColumn("earlier", F.coalesce(F.col("earlier"), F.lit(False)))
        else:
            purchases = purchases.withColumn("earlier", F.lit(False))
        ranked = purchases.withColumn(
            "rank", F.row_number().over(Window.partitionBy("order_id").orderBy("t_ms", "event_id"))
        ).persist()
        of_day = F.col("hour_ms").isNotNull()
        o = ranked.where(of_day).agg(
            F.sum(F.when(F.col("earlier") | (F.col("rank") > 1), 1).otherwise(0)).alias("duplicate_orders"),
            F.count_distinct(F.when(F.col("earlier"), F.col("order_id"))).alias("cross_day"),
        ).first()
        duplicate_orders = int(o["duplicate_orders"] or 0)
        cross_day_orders = int(o["cross_day"] or 0)
        first_of_day = Window.partitionBy("order_id").orderBy("t_ms", "event_id")
        index_orders = [
            {"order_id": r["order_id"], "event_id": r["event_id"], "event_time_ms": int(r["t_ms"])}
            for r in ranked.where(of_day)
            .withColumn("first", F.row_number().over(first_of_day))
            .where(F.col("first") == 1)
            .select("order_id", "event_id", "t_ms")
            .collect()
        ]
        kept = ranked.where((F.col("rank") == 1) & of_day & ~F.col("earlier")).persist()
        ranked.unpersist()
        by_hour = {r["hour_ms"]: r["n"] for r in kept.groupBy("hour_ms").agg(F.count(F.lit(1)).alias("n")).collect()}
        orders_by_currency = {
            r["currency"]: r["n"] for r in kept.groupBy("currency").agg(F.count(F.lit(1)).alias("n")).collect()
        }
        lines_ = kept.select("order_id", "currency", "t_ms", "event_id", F.posexplode("items").alias("line", "item")).select(
            "order_id",
            "currency",
            F.col("item.product_name").alias("product_name"),
            # Where the name comes from: the latest line, by event_time, event_id, line.
            F.struct("t_ms", "event_id", "line").alias("at"),
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
            {"day": day, "product_id": r["product_id"], "category": r["category"], "currency": r["currency"], "units": int(r["units"]), "revenue_cents": int(r["revenue"]), "product_name": r["name"]}
            for r in lines_.groupBy("product_id", "category", "currency")
            .agg(
                F.sum("quantity").alias("units"),
                F.sum("cents").alias("revenue"),
                F.max_by(F.col("product_name"), F.when(F.col("product_name").isNotNull(), F.col("at"))).alias("name"),
            )
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
        repeated_events=int(counts["repeats"]),
        cross_day_duplicate_orders=cross_day_orders,
        index_event_keys=event_keys,
        index_orders=index_orders,
    )


def _keys(df: DataFrame) -> np.ndarray:
    """A column of 16-byte keys, collected as an (n, 16) uint8 array."""
    table = df.toArrow()
    column = table.column(0).combine_chunks() if table.num_rows else pa.array([], pa.binary())
    if len(column) == 0:
        return np.zeros((0, 16), dtype=np.uint8)
    fixed = column.cast(pa.binary(16))
    data = np.frombuffer(fixed.buffers()[1], dtype=np.uint8, count=(fixed.offset + len(fixed)) * 16)
    return data[fixed.offset * 16 :].reshape(len(fixed), 16).copy()


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
