"""The validation expressions generated from the JSON Schema agree with the TypeScript
contract (`parseEventLine` of @shoplens/schemas, which the batch runs) on every line of a
corpus of valid and invalid lines: the same verdict, the same reason code, the same
event time to the millisecond."""
from __future__ import annotations

import base64
import json
from collections import Counter

import pytest
from pyspark.sql import functions as F
from pyspark.sql import types as T

from conftest import typescript_fixture
from contract_corpus import corpus


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    return corpus()


@pytest.fixture(scope="module")
def typescript(lines):
    """The TypeScript contract's verdicts, from the workspace's own source."""
    payload = "\n".join(base64.b64encode(line).decode() for line in lines) + "\n"
    verdicts = typescript_fixture("verdicts.ts", payload)
    assert len(verdicts) == len(lines)
    return verdicts


@pytest.fixture(scope="module")
def spark_verdicts(spark, contract, lines):
    from shoplens_spark.kpis import validated

    df = spark.createDataFrame([(i, line) for i, line in enumerate(lines)], T.StructType([T.StructField("i", T.LongType()), T.StructField("raw", T.BinaryType())]))
    rows = validated(df.select("i", F.col("raw").cast("string").alias("value")), contract).select("i", "reason", "t_ms").collect()
    by_index = {r["i"]: {"reason": r["reason"], "ms": r["t_ms"]} for r in rows}
    return [by_index[i] for i in range(len(lines))]


def test_the_corpus_covers_valid_lines_and_every_reason(typescript):
    reasons = Counter(v["reason"] for v in typescript)
    assert reasons[None] > 50
    for code in ("invalid_json", "not_an_object", "missing_field", "invalid_type", "invalid_value", "unknown_event_type",
                 "invalid_time", "unsupported_schema_version", "value_too_long", "control_character", "out_of_range", "record_too_large"):
        assert reasons[code] > 0, code


def test_spark_agrees_with_the_typescript_contract_on_every_line(lines, typescript, spark_verdicts):
    differ = [
        (line[:160], ts, sp) for line, ts, sp in zip(lines, typescript, spark_verdicts) if ts != sp
    ]
    assert differ == [], f"{len(differ)} of {len(lines)} lines differ; first: {differ[:5]}"


def test_a_rule_changed_in_the_schema_changes_the_verdict(spark, contract):
    """The rules come from the schema: a stricter schema rejects what the committed one accepts."""
    import copy

    from shoplens_spark.contract import Contract
    from shoplens_spark.kpis import validated

    schema = copy.deepcopy(contract.schema)
    schema["$defs"]["page_view"]["properties"]["page_url"]["maxLength"] = 3
    line = json.dumps({"event_id": "5f2b7c1e-8a3d-4e6f-9b0a-1c2d3e4f5a6b", "event_type": "page_view", "event_time": "2026-03-29T01:30:00Z",
                       "user_id": "u", "session_id": "s", "schema_version": 1, "page_url": "/long"})
    df = spark.createDataFrame([(line,)], "value string")
    assert validated(df, contract).first()["reason"] is None
    assert validated(df, Contract(schema=schema, event_bytes=contract.event_bytes)).first()["reason"] == "value_too_long"
