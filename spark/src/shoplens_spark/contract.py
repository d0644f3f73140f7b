"""The event contract, compiled from the committed JSON Schema of @shoplens/schemas.

No rule is restated here: `libs/schemas/schema/event.schema.json` (generated from the
TypeScript contract, and checked against it there) is compiled into a Python validator
with fastjsonschema. What a JSON Schema cannot say is read from the same contract:
the largest record (`CONTRACT_LIMITS.eventBytes`) and the calendar check of
`event_time` (February 30th is not a time), which parsing the instant makes anyway.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import fastjsonschema

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
    """What the executors need to validate a line: plain data, so it pickles."""

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


def _json_float(text: str) -> Any:
    # JavaScript has one number type: 1.0 and 1e2 are the integers 1 and 100 there.
    value = float(text)
    if value.is_integer() and abs(value) <= 2**53 - 1:
        return int(value)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_TIME = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$"
)


def parse_event_time(s: str) -> int | None:
    """RFC 3339 to epoch ms (UTC), fractions past ms truncated; None when not a real time."""
    m = _TIME.match(s)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        base = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None
    frac = m.group(7) or ""
    millis = int((frac + "00")[:3]) if frac else 0
    offset = 0
    if m.group(8) is None:
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return None
        offset = (oh * 60 + om) * (-1 if m.group(9) == "-" else 1)
    # Seconds since the epoch of the wall time, exact in integers (also before 1970).
    days = (base.date().toordinal() - 719163)
    seconds = days * 86400 + hour * 3600 + minute * 60 + second
    return seconds * 1000 + millis - offset * 60_000


_RULE_REASONS = {
    "required": "missing_field",
    "type": "invalid_type",
    "maxLength": "value_too_long",
    "maximum": "out_of_range",
    "maxItems": "out_of_range",
}


def _reason(error: fastjsonschema.JsonSchemaValueException, value: Any) -> str:
    """The batch's reason code closest to what the schema found (quarantine records only)."""
    path = error.path or []
    if len(path) >= 2 and path[1] == "event_type" and error.rule in ("enum", "const"):
        return "unknown_event_type"
    if len(path) >= 2 and path[1] == "schema_version":
        return "unsupported_schema_version"
    if len(path) >= 2 and path[1] == "event_time":
        return "invalid_time" if error.rule != "required" else "missing_field"
    if error.rule == "pattern" and isinstance(error.value, str) and re.search(r"[\x00-\x1f\x7f]", error.value):
        return "control_character"
    if error.rule == "type" and path == ["data"]:
        return "not_an_object"
    return _RULE_REASONS.get(error.rule or "", "invalid_value")


_DRAFT7 = "http://json-schema.org/draft-07/schema#"


def _branches(schema: dict) -> dict[str, dict]:
    """event_type -> the subschema its `allOf` if/then applies, read from the schema."""
    out: dict[str, dict] = {}
    for branch in schema.get("allOf", []):
        const = branch.get("if", {}).get("properties", {}).get("event_type", {}).get("const")
        if const is None or "then" not in branch:
            raise ValueError("the event schema's allOf is no longer one if/then per event_type")
        out[const] = branch["then"]
    return out


_COMPILED: dict[int, tuple] = {}


def _fast(node: Any) -> Any:
    """The same schema, with each long enum of strings under `type: string` as one anchored
    alternation: fastjsonschema tests an enum value by value (250 countries), a regular
    expression at once. A value is a member exactly when it matches."""
    if isinstance(node, list):
        return [_fast(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _fast(v) for k, v in node.items()}
    values = node.get("enum")
    if node.get("type") == "string" and isinstance(values, list) and len(values) > 8 and "pattern" not in node and all(isinstance(v, str) for v in values):
        del out["enum"]
        out["pattern"] = "^(?:" + "|".join(re.escape(v) for v in values) + ")$"
    return out


class Validator:
    """Parses and validates raw lines as the batch's `parseEventLine` does.

    The schema is one object check (event_type, schema_version) and one `if`/`then` per
    event type; the `then` of the line's own type is the only one that can apply, so each is
    compiled on its own and picked by event_type (the `if` of the schema) instead of
    trying all seven. fastjsonschema knows drafts 4, 6 and 7; the keywords this schema
    uses ($defs, if/then, const, enum, pattern, lengths, bounds) mean the same in draft 7.
    """

    def __init__(self, contract: Contract) -> None:
        key = id(contract.schema)
        cached = _COMPILED.get(key)
        if cached is None or cached[0] is not contract.schema:
            schema = _fast(contract.schema)
            root = {k: v for k, v in schema.items() if k != "allOf"}
            root["$schema"] = _DRAFT7
            by_type = {
                kind: fastjsonschema.compile({"$schema": _DRAFT7, "$defs": schema.get("$defs", {}), **then}, use_formats=False)
                for kind, then in _branches(schema).items()
            }
            cached = (contract.schema, fastjsonschema.compile(root, use_formats=False), by_type)
            _COMPILED[key] = cached
        _, self._root, self._by_type = cached
        self.event_bytes = contract.event_bytes

    def _check(self, value: Any) -> None:
        self._root(value)
        check = self._by_type.get(value["event_type"])
        if check is not None:
            check(value)

    def parse(self, line: bytes) -> tuple[dict | None, int | None, str | None]:
        """(event, event time in ms, None) for a valid line, else (None, None, reason)."""
        if len(line) > self.event_bytes:
            return None, None, "record_too_large"
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return None, None, "invalid_json"
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            value = json.loads(text, parse_float=_json_float, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            return None, None, "invalid_json"
        try:
            self._check(value)
        except fastjsonschema.JsonSchemaValueException as error:
            return None, None, _reason(error, value)
        ms = parse_event_time(value["event_time"])
        if ms is None:
            return None, None, "invalid_time"
        return value, ms, None
