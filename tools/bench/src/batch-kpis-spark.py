"""The second reference of the batch bench: PySpark `local[*]` doing the batch's work.

Reads the same raw JSONL.gz, deduplicates events by event_id and orders as the batch does
(earliest event_time, then smallest event_id), computes the same KPIs and writes them as
Parquet; with `full`, writes the curated events and order items as zstd Parquet too.
Prints one JSON line: ms, peak RSS (the JVM's and this process's) and the checksum.

    python batch-kpis-spark.py <lake dir> <day> kpis|full
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time


def vm_hwm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    lake, day, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    started = time.perf_counter()
    from pyspark.sql import SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import (
        ArrayType, IntegerType, LongType, StringType, StructField, StructType,
    )

    spark = (
        SparkSession.builder.master("local[*]")
        .appName("shoplens-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", os.environ.get("BENCH_SPARK_MEMORY", "2g"))
        .config("spark.sql.parquet.compression.codec", "zstd")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    s = lambda n: StructField(n, StringType())  # noqa: E731
    item = StructType([s("product_id"), s("category"), StructField("price_cents", LongType()), StructField("quantity", LongType())])
    schema = StructType([
        s("event_id"), s("event_type"), s("event_time"), s("user_id"), s("session_id"), s("device"), s("country"),
        s("page_url"), s("referrer"), s("product_id"), s("category"), StructField("price_cents", LongType()),
        StructField("quantity", IntegerType()), s("cart_id"), s("order_id"), s("currency"),
        StructField("amount_cents", LongType()), StructField("items", ArrayType(item)),
    ])
    files = f"{lake}/raw/topic=*/dt={day}/hour=*/*.jsonl.gz"
    out = f"{lake}/spark-out"
    shutil.rmtree(out, ignore_errors=True)
    raw = spark.read.schema(schema).json(files)
    events = (
        raw.withColumn("ts", F.to_timestamp("event_time"))
        .dropDuplicates(["event_id"])
        .drop("event_time")
        .cache()
    )
    by_order = Window.partitionBy("order_id").orderBy("ts", "event_id")
    orders = (
        events.where(F.col("event_type") == "purchase")
        .withColumn("rn", F.row_number().over(by_order))
        .where("rn = 1")
        .drop("rn")
        .cache()
    )
    lines = orders.select(
        "order_id", "event_id", "ts", "user_id", "currency", F.posexplode("items").alias("line", "item")
    ).select("order_id", "event_id", "ts", "user_id", "currency", (F.col("line") + 1).alias("line"), "item.*")
    lines = lines.cache()
    kpis = {
        "dau": events.agg(F.countDistinct("user_id").alias("users")),
        "category": lines.groupBy("category", "currency").agg(
            F.sum(F.col("price_cents") * F.col("quantity")).alias("gross_cents"),
            F.countDistinct("order_id").alias("orders"),
            F.sum("quantity").alias("units"),
        ),
        "product": lines.groupBy("product_id", "category", "currency").agg(
            F.sum("quantity").alias("units"), F.sum(F.col("price_cents") * F.col("quantity")).alias("revenue_cents")
        ),
        "hour": orders.groupBy(F.date_trunc("hour", "ts").alias("hour_start")).agg(F.count("*").alias("orders")),
        "revenue": orders.groupBy("currency").agg(F.count("*").alias("orders")).join(
            lines.groupBy("currency").agg(F.sum(F.col("price_cents") * F.col("quantity")).alias("gross_cents")),
            "currency", "full",
        ).join(
            events.where(F.col("event_type") == "refund").groupBy("currency").agg(F.sum("amount_cents").alias("refund_cents")),
            "currency", "full",
        ),
        "funnel": events.agg(
            F.countDistinct("session_id").alias("sessions"),
            *[
                F.countDistinct(F.when(F.col("event_type") == t, F.col("session_id"))).alias(t)
                for t in ("product_view", "add_to_cart", "checkout_started", "purchase")
            ],
        ),
    }
    for name, df in kpis.items():
        df.write.mode("overwrite").parquet(f"{out}/kpi_{name}")
    if mode == "full":
        columns = [
            "event_id", "event_type", F.col("ts").alias("event_time"), "user_id", "session_id", "device", "country",
            "page_url", "referrer", "product_id", "category", "price_cents", "quantity", "currency", "cart_id",
            "order_id", "amount_cents",
        ]
        kept = events.where(F.col("event_type") != "purchase").select(*columns).unionByName(orders.select(*columns))
        kept.write.mode("overwrite").parquet(f"{out}/curated_events")
        lines.withColumnRenamed("ts", "event_time").write.mode("overwrite").parquet(f"{out}/curated_order_items")
    back = {name: spark.read.parquet(f"{out}/kpi_{name}") for name in kpis}
    gross = {r["currency"]: int(r["gross_cents"] or 0) for r in back["revenue"].collect()}
    funnel = back["funnel"].collect()[0]
    checksum = {
        "dau": int(back["dau"].collect()[0]["users"]),
        "gross": dict(sorted(gross.items())),
        "units": int(back["product"].agg(F.sum("units")).collect()[0][0] or 0),
        "categories": back["category"].count(),
        "orders": int(back["hour"].agg(F.sum("orders")).collect()[0][0] or 0),
        "sessions": int(funnel["sessions"]),
        "purchaseSessions": int(funnel["purchase"]),
    }
    ms = (time.perf_counter() - started) * 1000
    if mode == "full":
        # What the curated files hold, read back after the timed run (as the other sides do).
        e = spark.read.parquet(f"{out}/curated_events").agg(
            F.count("*"), F.countDistinct("event_id"), F.sum("amount_cents")
        ).collect()[0]
        i = spark.read.parquet(f"{out}/curated_order_items").agg(
            F.count("*"), F.sum(F.col("price_cents") * F.col("quantity"))
        ).collect()[0]
        checksum.update(
            curated=int(e[0]), curatedIds=int(e[1]), curatedAmount=int(e[2] or 0),
            lines=int(i[0]), lineValue=int(i[1] or 0),
        )
    jvm = spark.sparkContext._gateway.proc.pid  # type: ignore[attr-defined]
    jvm_mb = vm_hwm_mb(jvm)
    spark.stop()
    shutil.rmtree(out, ignore_errors=True)
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"lines": None, "ms": ms, "maxRssMb": jvm_mb + own_mb, "checksum": checksum}))


if __name__ == "__main__":
    main()
