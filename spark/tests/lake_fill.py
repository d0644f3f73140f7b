"""Simulated traffic landed in a local lake's raw zone, as the ingestor lays it out.

raw/topic=<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+0+<offset>.jsonl.gz by the UTC hour of each
record's event_time; invalid records land in the hour of the record before them, so a run
quarantines them.
"""
from __future__ import annotations

import gzip
import json
import subprocess
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

TOPIC_OF = {
    "page_view": "pageviews",
    "product_view": "pageviews",
    "add_to_cart": "cart",
    "remove_from_cart": "cart",
    "checkout_started": "cart",
    "purchase": "orders",
    "refund": "orders",
}
REPO = Path(__file__).resolve().parents[2]


EVERY_FAULT = {"duplicate-rate": 0.03, "double-purchase-rate": 0.2, "late-rate": 0.05, "out-of-order-rate": 0.05, "offset-rate": 0.2}


def simulate(
    out_dir: Path, *, start: str, days: int, tz: str, events: int, seed: int, invalid_rate: float = 0.02, faults: dict | None = None
) -> tuple[Path, dict]:
    """Runs the built simulator with every fault (or the rates of `faults`, the simulator's
    option names); returns its JSON Lines file and its truth."""
    lines, truth = out_dir / "events.jsonl", out_dir / "truth.json"
    rates = [x for name, rate in (EVERY_FAULT if faults is None else faults).items() for x in (f"--{name}", str(rate))]
    subprocess.run(
        [
            "node", str(REPO / "dist/apps/simulator/main.js"),
            "--events", str(events), "--seed", str(seed), "--start", start, "--days", str(days), "--tz", tz,
            *rates,
            "--invalid-rate", str(invalid_rate), "--progress", "log",
            "--out", str(lines), "--truth", str(truth),
        ],
        check=True, cwd=REPO, capture_output=True, text=True,
    )
    return lines, json.loads(truth.read_text())


def _hour_of(line: str):
    try:
        event = json.loads(line)
        when = datetime.fromisoformat(str(event["event_time"]).replace("Z", "+00:00"))
        if when.tzinfo is None:
            return None
        topic = TOPIC_OF.get(event.get("event_type"), "pageviews")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return topic, when.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def land(lines_file: Path, lake: Path, first_hour: datetime | None = None) -> list[str]:
    """One gzip file per (topic, UTC hour); returns the keys written. Invalid lines before
    any valid one land in `first_hour` (pageviews), so every line is in the lake."""
    files: dict = defaultdict(list)
    previous = ("pageviews", first_hour) if first_hour else None
    for line in lines_file.read_bytes().split(b"\n"):
        if not line:
            continue
        where = _hour_of(line.decode("utf-8", "replace")) or previous
        if where is None:
            continue
        files[where].append(line)
        previous = where
    keys, offset = [], 0
    for (topic, hour), batch in sorted(files.items()):
        key = f"raw/topic={topic}/dt={hour:%Y-%m-%d}/hour={hour:%H}/{topic}+0+{offset:019d}.jsonl.gz"
        path = lake / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(b"\n".join(batch) + b"\n"))
        keys.append(key)
        offset += len(batch)
    return keys
