"""Both engines over the same lake, in the same run: the TypeScript batch (bundled CLI) and the
Spark job (its CLI, local[*]), on one simulated day per size of tools/bench's batch lake.

    npx nx run @shoplens/spark:bench          # BENCH_SIZES=1000000,5000000 by default

Each engine runs as a process with --no-warehouse (the batch also with --skip-curated, as the
Spark job writes no curated zone), so both do the same work: read the raw JSONL.gz, validate,
deduplicate, aggregate, write the KPI Parquet and the day's cross-day index. Wall time includes start-up (Node, the JVM).
Fails if the two engines' KPI Parquet differ.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "spark" / "src"))

from shoplens_spark.job import KPI_PART, kpi_prefix  # noqa: E402
from shoplens_spark.tables import KPI_TABLES  # noqa: E402

LAKE_SCRIPT = """
import { benchLake, BENCH_DAY } from './tools/bench/src/batch-lake.ts';
const dir = await benchLake(process.cwd(), Number(process.argv[1]));
console.log(JSON.stringify({ dir, day: BENCH_DAY }));
"""


def bench_lake(events: int) -> tuple[Path, str]:
    out = subprocess.run(
        ["node", "--conditions=@shoplens/source", "--import", "tsx", "--input-type=module", "-e", LAKE_SCRIPT, str(events)],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    info = json.loads(out.stdout.strip().splitlines()[-1])
    return Path(info["dir"]), info["day"]


def kpi_rows(lake: Path, day: str) -> dict:
    return {
        dataset: pq.read_table(lake / kpi_prefix(dataset, day, "UTC") / KPI_PART).to_pylist()
        for dataset, _ in KPI_TABLES.values()
    }


def timed(argv: list[str], env: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    out = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return seconds, json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000,5000000").split(",") if s.strip()]
    base = {**os.environ, "LOG_LEVEL": "warn", "PYTHONPATH": str(REPO / "spark" / "src")}
    base.pop("DATABASE_URL", None)
    load = os.getloadavg()
    print(f"engines bench: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores")
    print(f"{'events':>10} {'engine':<22} {'wall s':>8} {'job s':>8} {'events/s':>10} {'valid':>9}")
    for size in sizes:
        lake, day = bench_lake(size)
        env = {**base, "LAKE_URL": str(lake)}
        ts_s, ts = timed(["node", "dist/apps/batch/main.js", "--date", day, "--tz", "UTC", "--no-warehouse", "--skip-curated"], env)
        ts_kpis = kpi_rows(lake, day)
        print(f"{size:>10} {'TypeScript batch':<22} {ts_s:>8.1f} {ts['seconds']:>8.1f} {size / ts_s:>10.0f} {ts['valid']:>9}  load {os.getloadavg()[0]:.1f}", flush=True)
        sp_s, sp = timed([sys.executable, "-m", "shoplens_spark", "daily", "--date", day, "--tz", "UTC", "--no-warehouse"], {**env, "SPARK_MASTER": os.environ.get("SPARK_MASTER", "local[*]")})
        sp_kpis = kpi_rows(lake, day)
        name = f"Spark {os.environ.get('SPARK_MASTER', 'local[*]')}"
        print(f"{size:>10} {name:<22} {sp_s:>8.1f} {sp['seconds']:>8.1f} {size / sp_s:>10.0f} {sp['valid']:>9}  load {os.getloadavg()[0]:.1f}", flush=True)
        if sp_kpis != ts_kpis or sp["valid"] != ts["valid"]:
            print(f"KPI Parquet differs between the engines at {size} events", file=sys.stderr)
            return 1
        print(f"{size:>10} ratio Spark / TypeScript: {sp_s / ts_s:.2f}x (KPI Parquet identical)")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
