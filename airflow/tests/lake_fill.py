"""Fills a local lake's raw zone from the simulator's JSON Lines, as the ingestor lays it out.

raw/topic=<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+0+<offset>.jsonl.gz, by the UTC hour of
each record's event_time. Unlike the ingestor, invalid records are landed too (in the hour
of the record before them), so the batch quarantines them and the quarantine gate has
something to measure.
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


def simulate(repo: Path, out_dir: Path, *, start: str, days: int, tz: str, events: int, seed: int, invalid_rate: float) -> tuple[Path, dict]:
    """Runs the built simulator; returns its JSON Lines file and its truth."""
    lines, truth = out_dir / "events.jsonl", out_dir / "truth.json"
    subprocess.run(
        [
            "node", str(repo / "dist/apps/simulator/main.js"),
            "--events", str(events), "--seed", str(seed), "--start", start, "--days", str(days), "--tz", tz,
            "--duplicate-rate", "0.02", "--double-purchase-rate", "0.1", "--late-rate", "0.02",
            "--invalid-rate", str(invalid_rate), "--progress", "log",
            "--out", str(lines), "--truth", str(truth),
        ],
        check=True, cwd=repo, capture_output=True, text=True,
    )
    return lines, json.loads(truth.read_text())


def _hour_of(line: str) -> tuple[str, datetime] | None:
    try:
        event = json.loads(line)
        when = datetime.fromisoformat(str(event["event_time"]).replace("Z", "+00:00"))
        if when.tzinfo is None:
            return None
        topic = TOPIC_OF.get(event.get("event_type"), "pageviews")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return topic, when.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def raw_key(topic: str, hour: datetime, offset: int) -> str:
    return f"raw/topic={topic}/dt={hour:%Y-%m-%d}/hour={hour:%H}/{topic}+0+{offset:019d}.jsonl.gz"


def land(lines_file: Path, lake: Path, first_offset: int = 0) -> list[str]:
    """Writes one gzip file per (topic, UTC hour); returns the keys written."""
    files: dict[tuple[str, datetime], list[str]] = defaultdict(list)
    previous: tuple[str, datetime] | None = None
    for line in lines_file.read_text().splitlines():
        where = _hour_of(line) or previous
        if where is None:
            continue
        files[where].append(line)
        previous = where
    keys, offset = [], first_offset
    for (topic, hour), batch in sorted(files.items()):
        key = raw_key(topic, hour, offset)
        path = lake / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(("\n".join(batch) + "\n").encode()))
        keys.append(key)
        offset += len(batch)
    return keys
