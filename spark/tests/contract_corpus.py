"""A corpus of raw lines, valid and invalid, to hold the Spark validator to the batch's.

Every event type with its optional fields, then each field of each removed, nulled or
replaced by values of every JSON type and at every bound of the contract, then lines
broken as bytes (truncated, concatenated, not UTF-8, a byte-order mark, duplicate keys,
trailing text, numbers JavaScript reads as integers). The verdicts come from the
TypeScript contract itself (fixtures/verdicts.ts), never from this file.
"""
from __future__ import annotations

import copy
import json

UUID = "5f2b7c1e-8a3d-4e6f-9b0a-1c2d3e4f5a6b"
ITEM = {"product_id": "sku-1", "category": "books", "price_cents": 1299, "quantity": 2}
COMMON = {
    "event_id": UUID,
    "event_time": "2026-03-29T01:30:00.123+02:00",
    "user_id": "u-1",
    "session_id": "s-1",
    "schema_version": 1,
    "device": "mobile",
    "country": "DE",
}
BASES = [
    {"event_type": "page_view", "page_url": "/p/1", "referrer": "https://example.org/"},
    {"event_type": "product_view", "product_id": "sku-1", "category": "books", "price_cents": 1299, "currency": "EUR", "quantity": 1},
    {"event_type": "add_to_cart", "product_id": "sku-1", "category": "books", "price_cents": 0, "currency": "EUR", "quantity": 3},
    {"event_type": "remove_from_cart", "product_id": "sku-1", "category": "books", "price_cents": 1299, "currency": "USD", "quantity": 1},
    {"event_type": "checkout_started", "cart_id": "c-1", "currency": "EUR", "items": [ITEM, {**ITEM, "product_id": "sku-2"}]},
    {"event_type": "purchase", "order_id": "o-1", "currency": "EUR", "items": [ITEM]},
    {"event_type": "refund", "order_id": "o-1", "currency": "EUR", "amount_cents": 1299, "items": [ITEM]},
    {"event_type": "refund", "order_id": "o-2", "currency": "JPY", "amount_cents": 5},
]

# Values tried in every field: each JSON type, and strings and numbers at the contract's edges.
VALUES = [
    None, True, False, 0, -1, 1, 2, 1.0, 1.5, -0.0, 1e2, 2**53 - 1, 2**53, 2**63, 10**30, 1e300,
    10_000_000_000, 10_000_000_001, 10_000, 10_001, 5_000_000_000_000_000, 5_000_000_000_000_001,
    "", "x", "1", "EUR", "eur", "EURO", "DE", "de", "XX", "mobile", "phone", "purchase", "Purchase",
    "a" * 36, "a" * 128, "a" * 129, "a" * 2048, "a" * 2049, "\u00e9" * 128, "\u00e9" * 129,
    "\U0001F600" * 64, "\U0001F600" * 65, "a\u0000b", "tab\there", "del\u007f", "new\nline", "nbsp\u00a0",
    UUID.upper(), UUID[:-1], UUID + "0", UUID.replace("-", ""), UUID + "\n",
    "2026-03-29T01:30:00Z", "2026-03-29t01:30:00z", "2026-03-29T01:30:00.123456789-05:00",
    "2026-03-29T01:30:00.1234567890Z", "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
    "2000-02-29T23:59:59.999+23:59", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
    "2026-03-29T24:00:00Z", "2026-03-29T23:60:00Z", "2026-12-31T23:59:60Z", "2026-03-29T01:30:00+24:00",
    "2026-03-29T01:30:00+01:60", "2026-03-29 01:30:00Z", "2026-03-29T01:30:00", "2026-03-29T01:30Z",
    "0000-01-01T00:00:00Z", "0099-12-31T23:59:59Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z",
    "2026-03-29T01:30:00Z\n", "+2026-03-29T01:30:00Z", "2026-03-29T01:30:00.Z",
    [], [1], {}, {"a": 1}, [ITEM], [ITEM] * 50, [ITEM] * 51, ["x"], [None], [{}],
]


def _dump(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def events() -> list[dict]:
    return [{**COMMON, **base} for base in BASES]


def _mutations(event: dict) -> list[dict]:
    out = []
    fields = [k for k in event]
    for name in fields:
        without = copy.deepcopy(event)
        del without[name]
        out.append(without)
        for value in VALUES:
            changed = copy.deepcopy(event)
            changed[name] = value
            out.append(changed)
    if isinstance(event.get("items"), list):
        for name in ITEM:
            without = copy.deepcopy(event)
            del without["items"][0][name]
            out.append(without)
            for value in VALUES:
                changed = copy.deepcopy(event)
                changed["items"][-1][name] = value
                out.append(changed)
    return out


def corpus() -> list[bytes]:
    lines: list[bytes] = []
    for event in events():
        text = _dump(event)
        lines.append(text.encode())
        for mutated in _mutations(event):
            lines.append(_dump(mutated).encode())
        raw = text.encode()
        lines += [
            raw[: len(raw) // 2],
            raw[:-1],
            raw + raw,
            raw + b"," + raw,
            raw + b" x",
            raw + b" ",
            b" \t" + raw + b"\r",
            b"\xef\xbb\xbf" + raw,
            b"\xef\xbb\xbf\xef\xbb\xbf" + raw,
            raw.replace(b"u-1", b"u-\xff"),
            raw.replace(b"u-1", b"u-\xc3"),
            b"[" + raw + b"]",
            b"{'a':1}",
            raw.replace(b'"u-1"', b'"u-1","user_id":7'),
            raw.replace(b'"u-1"', b'7,"user_id":"u-1"'),
            raw.replace(b'"schema_version":1', b'"schema_version":1.0'),
            raw.replace(b'"schema_version":1', b'"schema_version":1e0'),
            raw.replace(b'"schema_version":1', b'"schema_version":2'),
            raw.replace(b'"schema_version":1', b'"schema_version":01'),
            raw.replace(b'"schema_version":1', b'"schema_version":NaN'),
            raw.replace(b'"schema_version":1', b'"schema_version":1,"extra":{"deep":[1,2,{"x":null}]}'),
            raw.replace(b'"u-1"', b'"u\\u00001"'),
            raw.replace(b'"u-1"', b'"u\\t1"'),
            raw.replace(b'"u-1"', b'"\\u00e9"'),
            raw[:-1] + b',"pad":"' + b"x" * 65_536 + b'"}',
            raw[:-1] + b',"pad":"' + b"x" * (65_536 - len(raw) - 9) + b'"}',
        ]
    lines += [b"null", b"1", b'"text"', b"[]", b"{}", b"true", b"\xef\xbb\xbf", b"\r", b"{", b"}", b"\xff\xfe", b" "]
    return lines
