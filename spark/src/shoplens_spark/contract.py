"""The event contract: the committed JSON Schema of @shoplens/schemas and its record limit.

No rule is restated here: `libs/schemas/schema/event.schema.json` (generated from the
TypeScript contract, and checked against it there) is turned into Spark SQL expressions
by validation.py. What a JSON Schema cannot say is read from the same contract: the
largest record (`CONTRACT_LIMITS.eventBytes`).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

SCHEMA_RELATIVE = Path("libs/schemas/schema/event.schema.json")
LIMITS_RELATIVE = Path("libs/schemas/src/contract/events.ts")


def repo_root() -> Path:
    """The repository holding the contract: SHOPLENS_ROOT, else above this package."""
    env = os.environ.get("SHOPLENS_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / SCHEMA_RELATIVE).is_file():
            return parent
    raise FileNotFoundError(f"no {SCHEMA_RELATIVE} above {here}; set SHOPLENS_ROOT")


@dataclass(frozen=True)
class Contract:
    """The schema the driver turns into expressions, and the largest record in bytes."""

    schema: dict
    event_bytes: int


def load_contract(root: Path | None = None) -> Contract:
    root = root or repo_root()
    schema = json.loads((root / SCHEMA_RELATIVE).read_text())
    source = (root / LIMITS_RELATIVE).read_text()
    m = re.search(r"eventBytes:\s*([0-9_]+)", source)
    if not m:
        raise ValueError(f"CONTRACT_LIMITS.eventBytes not found in {LIMITS_RELATIVE}")
    return Contract(schema=schema, event_bytes=int(m.group(1).replace("_", "")))
