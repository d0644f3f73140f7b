"""The event contract as Spark column expressions, generated from the committed JSON Schema.

`libs/schemas/schema/event.schema.json` stays the one source of the rules: this module
walks it (root `required`/`properties`, one `allOf` if/then per event type, `$ref`s into
`$defs`, and in each subschema `type`, `required`, `properties`, `additionalProperties`,
`enum`, `const`, `minLength`/`maxLength`, `pattern`, `format` (`date-time`, `uuid`),
`minimum`/`maximum`, `minItems`/`maxItems`, `items`) and turns every keyword into a Spark
SQL expression over the line parsed once into a VARIANT. No Python runs per line.

What the schema cannot say comes from the batch's `parseEventLine` (libs/schemas):

- JSON as JavaScript reads it: one value and nothing after it (the line is parsed as
  `[line,"<end>"]`, so trailing text fails), a leading byte-order mark allowed, bytes that
  are not UTF-8 are `invalid_json`, the last of repeated keys wins
  (`spark.sql.variant.allowDuplicateKeys`), and every number is a double, so `1.0` is
  the integer 1 and an integer must be a safe one (|n| <= 2^53 - 1).
- String lengths in UTF-16 code units, as JavaScript's `length`.
- Patterns anchored as JavaScript anchors them (`$` is the end of the text, never before a
  final line break).
- The reason code of a rejected line: the first problem in the batch's order (the
  schema version, then the event type, then the type's properties in schema order, the
  keywords of each in the order the batch checks them), named by the keyword that failed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F

#: The end marker appended to each line before parsing (see the module's doc).
END_MARK = "shoplens:end-of-line:5f0c2e9a"
MAX_SAFE_INTEGER = 2**53 - 1
#: A C0 control character or DEL: what the contract's text fields exclude.
_CONTROL = "[\\x{00}-\\x{1F}\\x{7F}]"
_UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_DATE_TIME = (
    "^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    "(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
#: The version field is judged first: another version may give the other fields other meanings.
VERSION_FIELD = "schema_version"
TYPE_FIELD = "event_type"
_NUMERIC = ("BIGINT", "INT", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "DECIMAL")


def _sql_string(value: str) -> str:
    """A Spark SQL string literal (raw: no escape processing needed inside)."""
    if "'" not in value and "\\" not in value:
        return f"'{value}'"
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def java_pattern(pattern: str) -> str:
    """A JSON Schema (ECMA-262) pattern for Java's regex engine, with JavaScript's anchors.

    `$` without the multiline flag matches at the very end in JavaScript, but also before a
    final line terminator in Java: it becomes `\\z`. `\\uXXXX` means the same in both.
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        elif c == "$" and not in_class:
            c = "\\z"
        out.append(c)
        i += 1
    return "".join(out)


class Unsupported(ValueError):
    """A schema keyword the generator does not know: refuse rather than ignore a rule."""


_KNOWN = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "required", "properties",
    "additionalProperties", "enum", "const", "minLength", "maxLength", "pattern", "format",
    "minimum", "maximum", "minItems", "maxItems", "items", "allOf", "if", "then",
}


class Stager:
    """Named intermediate columns, by level: each level's columns read only lower levels.

    Every sub-expression the checks share (a field read from the variant, its type, a
    date-time's parts, one property's check) is computed once, as its own column, so the
    generated code stays small enough for Spark to compile (Spark keeps a column referenced
    more than once from being inlined into its readers)."""

    def __init__(self) -> None:
        self.levels: dict[int, dict[str, str]] = {}
        self._names: dict[tuple[int, str], str] = {}

    def add(self, level: int, sql: str) -> str:
        key = (level, sql)
        name = self._names.get(key)
        if name is None:
            name = f"_c{len(self._names)}"
            self._names[key] = name
            self.levels.setdefault(level, {})[name] = sql
        return name

    def apply(self, df):
        for level in sorted(self.levels):
            df = df.select("*", *[F.expr(sql).alias(name) for name, sql in self.levels[level].items()])
        return df

    def names(self) -> list[str]:
        return [n for level in self.levels.values() for n in level]


@dataclass(frozen=True)
class _Value:
    """One JSON value of the line: a VARIANT path under the parsed wrapper."""

    wrapper: str  # SQL of the parsed `[line, END_MARK]`
    path: str  # JSON path, e.g. `$[0].items`
    stager: "Stager | None" = None

    def get(self, sql_type: str | None = None) -> str:
        if self.stager is None:
            if sql_type is None:
                return f"try_variant_get({self.wrapper}, {_sql_string(self.path)})"
            return f"try_variant_get({self.wrapper}, {_sql_string(self.path)}, {_sql_string(sql_type)})"
        base = self.stager.add(1, f"try_variant_get({self.wrapper}, {_sql_string(self.path)})")
        if sql_type is None:
            return base
        return self.stager.add(2, f"try_variant_get({base}, '$', {_sql_string(sql_type)})")

    def kind(self) -> str:
        """The variant type name (STRING, BIGINT, DOUBLE, DECIMAL(p,s), OBJECT<…>, ARRAY<…>, VOID)."""
        if self.stager is None:
            return f"schema_of_variant({self.get()})"
        return self.stager.add(2, f"schema_of_variant({self.get()})")


class _Element(_Value):
    """An element of an array: a VARIANT lambda variable, paths relative to it."""

    def __init__(self, var: str, path: str = "$") -> None:
        object.__setattr__(self, "wrapper", var)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "stager", None)


def _child(value: _Value, key: str) -> _Value:
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
        # Bracket paths with quotes would need escaping; the contract's names are plain.
        raise Unsupported(f"property name {key!r}")
    if isinstance(value, _Element):
        return _Element(value.wrapper, f"{value.path}.{key}")
    return _Value(value.wrapper, f"{value.path}.{key}", value.stager)


def _first(checks: list[str]) -> str:
    """The first non-null reason of `checks` (SQL strings), evaluated lazily in order."""
    if not checks:
        return "CAST(NULL AS STRING)"
    if len(checks) == 1:
        return checks[0]
    return "coalesce(" + ", ".join(checks) + ")"


class Generator:
    """Walks the event schema and writes one SQL expression: the reason a line is invalid,
    or NULL for a valid event."""

    def __init__(self, schema: dict, stager: "Stager | None" = None) -> None:
        self.schema = schema
        self._lambda = 0
        self.stager = stager or Stager()

    def resolve(self, node: dict) -> dict:
        seen = 0
        while "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/$defs/"):
                raise Unsupported(f"$ref {ref}")
            extra = {k: v for k, v in node.items() if k not in ("$ref", "description", "title")}
            if extra:
                raise Unsupported(f"$ref with siblings {sorted(extra)}")
            node = self.schema["$defs"][ref[len("#/$defs/"):]]
            seen += 1
            if seen > 32:
                raise Unsupported("$ref cycle")
        unknown = set(node) - _KNOWN
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        return node

    # -- one value -------------------------------------------------------------------

    def _type_check(self, node: dict, value: _Value, field: str) -> list[str]:
        kind = value.kind()
        expected = node.get("type")
        if expected is None:
            return []
        if isinstance(expected, list):
            raise Unsupported("type lists")
        test = {
            "string": f"{kind} = 'STRING'",
            "integer": f"({self._is_number(kind)} AND {self._is_safe_integer(value)})",
            "number": self._is_number(kind),
            "boolean": f"{kind} = 'BOOLEAN'",
            "object": f"startswith({kind}, 'OBJECT')",
            "array": f"startswith({kind}, 'ARRAY')",
            "null": f"{kind} = 'VOID'",
        }.get(expected)
        if test is None:
            raise Unsupported(f"type {expected}")
        code = "not_an_object" if expected == "object" and field == "" else "invalid_type"
        return [f"CASE WHEN NOT ({test}) THEN '{code}' END"]

    @staticmethod
    def _is_number(kind: str) -> str:
        return "(" + " OR ".join(f"startswith({kind}, '{n}')" for n in _NUMERIC) + ")"

    @staticmethod
    def _is_integer(value: _Value) -> str:
        d = value.get("double")
        return f"(abs({d}) <= 1.7976931348623157E308D AND rint({d}) = {d})"

    @staticmethod
    def _is_safe_integer(value: _Value) -> str:
        d = value.get("double")
        return f"(abs({d}) <= {MAX_SAFE_INTEGER}D AND rint({d}) = {d})"

    def _utf16_length(self, s: str) -> str:
        # UTF-8 takes at least as many bytes as UTF-16 takes units; count exactly only when
        # the cheap bound cannot decide.
        return f"(length(encode({s}, 'UTF-16BE')) DIV 2)"

    def value_checks(self, node: dict, value: _Value, field: str) -> list[str]:
        """Ordered reason expressions for one present value (NULL each where it passes)."""
        node = self.resolve(node)
        checks = self._type_check(node, value, field)
        expected = node.get("type")
        s = value.get("string")
        kind = value.kind()
        is_string = f"({kind} = 'STRING')"
        fmt = node.get("format")
        if fmt not in (None, "date-time", "uuid"):
            raise Unsupported(f"format {fmt}")
        if fmt == "date-time":
            # The batch reads the instant (calendar included) as one check: invalid_time.
            pattern = node.get("pattern", _DATE_TIME)
            checks.append(f"CASE WHEN NOT coalesce({date_time_ms(s, pattern, value.stager)} IS NOT NULL, false) THEN 'invalid_time' END")
            return checks
        if "const" in node:
            c = node["const"]
            if isinstance(c, bool) or not isinstance(c, (int, str)):
                raise Unsupported(f"const {c!r}")
            if isinstance(c, int):
                same_type = self._is_number(kind)
                equal = f"{value.get('double')} = {float(c)}D"
                unequal = "'unsupported_schema_version'" if field == VERSION_FIELD else "'invalid_value'"
                if field == VERSION_FIELD:
                    # Another integer is another version; anything else is not a version.
                    checks.append(
                        f"CASE WHEN NOT {same_type} OR NOT {self._is_integer(value)} THEN 'invalid_type' "
                        f"WHEN NOT ({equal}) THEN {unequal} END"
                    )
                else:
                    checks.append(f"CASE WHEN NOT {same_type} THEN 'invalid_type' WHEN NOT ({equal}) THEN {unequal} END")
            else:
                checks.append(
                    f"CASE WHEN NOT {is_string} THEN 'invalid_type' WHEN {s} <> {_sql_string(c)} THEN 'invalid_value' END"
                )
        if "enum" in node:
            values = node["enum"]
            if not all(isinstance(v, str) for v in values):
                raise Unsupported("enum of non-strings")
            if expected is None:
                checks.append(f"CASE WHEN NOT {is_string} THEN 'invalid_type' END")
            code = "unknown_event_type" if field == TYPE_FIELD else "invalid_value"
            listed = ", ".join(_sql_string(v) for v in values)
            checks.append(f"CASE WHEN {is_string} AND NOT ({s} IN ({listed})) THEN '{code}' END")
        string_keywords = [k for k in ("minLength", "maxLength", "pattern") if k in node]
        if string_keywords or fmt == "uuid":
            if expected != "string":
                raise Unsupported(f"{string_keywords} without type string")
            if "minLength" in node:
                n = int(node["minLength"])
                # Code points never outnumber UTF-16 units.
                checks.append(
                    f"CASE WHEN length({s}) < {n} AND {self._utf16_length(s)} < {n} THEN 'invalid_value' END"
                )
            if "maxLength" in node:
                n = int(node["maxLength"])
                checks.append(
                    f"CASE WHEN octet_length({s}) > {n} AND {self._utf16_length(s)} > {n} THEN 'value_too_long' END"
                )
            patterns = ([node["pattern"]] if "pattern" in node else []) + ([_UUID] if fmt == "uuid" else [])
            for pattern in patterns:
                regex = _sql_string(java_pattern(pattern))
                control = _sql_string(_CONTROL)
                checks.append(
                    f"CASE WHEN NOT rlike({s}, {regex}) THEN "
                    f"CASE WHEN rlike({s}, {control}) THEN 'control_character' ELSE 'invalid_value' END END"
                )
        if "minimum" in node or "maximum" in node:
            if expected not in ("integer", "number"):
                raise Unsupported("bounds without a numeric type")
            d = value.get("double")
            if "minimum" in node:
                checks.append(f"CASE WHEN {d} < {float(node['minimum'])}D THEN 'invalid_value' END")
            if "maximum" in node:
                checks.append(f"CASE WHEN {d} > {float(node['maximum'])}D THEN 'out_of_range' END")
        if expected == "array" or "items" in node:
            if expected != "array":
                raise Unsupported("items without type array")
            elements = value.get("array<variant>")
            if "minItems" in node:
                checks.append(f"CASE WHEN size({elements}) < {int(node['minItems'])} THEN 'invalid_value' END")
            if "maxItems" in node:
                checks.append(f"CASE WHEN size({elements}) > {int(node['maxItems'])} THEN 'out_of_range' END")
            if "items" in node:
                self._lambda += 1
                var = f"item{self._lambda}"
                item = _first(self.value_checks(node["items"], _Element(var), f"{field}[]"))
                checks.append(f"aggregate({elements}, CAST(NULL AS STRING), (found, {var}) -> coalesce(found, {item}))")
        if expected == "object" or "properties" in node or "required" in node:
            checks.extend(self.object_checks(node, value, field))
        # Each check is guarded by the type check before it: coalesce stops at the first.
        return checks

    def object_checks(self, node: dict, value: _Value, field: str, skip: tuple[str, ...] = ()) -> list[str]:
        properties: dict = node.get("properties", {})
        required = list(node.get("required", []))
        checks: list[str] = []
        names = list(properties) + [r for r in required if r not in properties]
        for name in names:
            if name in skip:
                continue
            child = _child(value, name)
            present = f"{child.get()} IS NOT NULL"
            inner = _first(self.value_checks(properties[name], child, name)) if name in properties else "CAST(NULL AS STRING)"
            if name in required:
                check = f"CASE WHEN NOT ({present}) THEN 'missing_field' ELSE {inner} END"
            elif name in properties:
                check = f"CASE WHEN {present} THEN {inner} END"
            else:
                continue
            checks.append(value.stager.add(10, check) if value.stager is not None else check)
        extra = node.get("additionalProperties", True)
        if extra is False:
            allowed = ", ".join(_sql_string(n) for n in properties)
            keys = f"json_object_keys(to_json({value.get()}))"
            checks.append(
                f"CASE WHEN size(filter({keys}, k -> NOT (k IN ({allowed})))) > 0 THEN 'invalid_value' END"
            )
        elif extra is not True:
            raise Unsupported("additionalProperties as a schema")
        return checks

    # -- the whole event -----------------------------------------------------------------

    def branches(self) -> list[tuple[str, dict]]:
        """(event_type, subschema) of each `allOf` if/then of the root."""
        out = []
        for branch in self.schema.get("allOf", []):
            cond = branch.get("if", {})
            const = cond.get("properties", {}).get(TYPE_FIELD, {}).get("const")
            if const is None or "then" not in branch or set(branch) - {"if", "then"}:
                raise Unsupported("an allOf entry that is not one if/then on event_type")
            out.append((const, branch["then"]))
        return out

    def event_reason(self, wrapper: str, line: str) -> str:
        root = self.schema
        event = _Value(wrapper, "$[0]", self.stager)
        if root.get("type", "object") != "object":
            raise Unsupported("a root that is not an object")
        # The line is one JSON value (checked before): an object exactly when it opens with
        # `{`, which costs less than asking the variant for its whole type.
        opening = f"substr(TRIM(LEADING ' \\t\\r\\n' FROM {_stripped(line)}), 1, 1)"
        checks = [f"CASE WHEN {opening} <> '{{' THEN 'not_an_object' END"]
        props = root.get("properties", {})
        order = sorted(props, key=lambda n: n != VERSION_FIELD)
        head = self.object_checks({**root, "properties": {n: props[n] for n in order}}, event, "")
        kind = _child(event, TYPE_FIELD).get("string")
        head = [self.stager.add(11, _first(head))]
        cases = []
        for const, then in self.branches():
            # The branch's own checks of the root's fields can only repeat the root's verdict.
            body = self.stager.add(11, _first(self.object_checks(self.resolve(then), event, "", skip=tuple(props))))
            cases.append(f"WHEN {_sql_string(const)} THEN {body}")
        by_type = f"CASE {kind} {' '.join(cases)} END" if cases else "CAST(NULL AS STRING)"
        # The root's object check first: nothing else applies to a line that is no object.
        return f"CASE WHEN {checks[0]} IS NOT NULL THEN {checks[0]} ELSE {_first(head + [by_type])} END"


def date_time_ms(s: str, pattern: str, stager: "Stager | None" = None) -> str:
    """SQL: epoch milliseconds (UTC) of an RFC 3339 date-time, NULL when it is none.

    As the batch's `parseEventTime`: the pattern (JavaScript anchors), a real calendar day,
    hours to 23, minutes and seconds to 59 (no leap second), offsets to 23:59, fractions
    past the millisecond truncated; proleptic Gregorian calendar from year 0.
    """
    regex = _sql_string(java_pattern(pattern))

    def at(level: int, sql: str) -> str:
        return stager.add(level, sql) if stager is not None else f"({sql})"

    def part(start: int, n: int) -> str:
        return at(3, f"try_cast(substr({s}, {start}, {n}) AS INT)")

    y, mo, d, h, mi, sec = part(1, 4), part(6, 2), part(9, 2), part(12, 2), part(15, 2), part(18, 2)
    matches = at(3, f"rlike({s}, {regex})")
    frac = at(3, f"regexp_extract({s}, '^.{{19}}\\\\.([0-9]+)', 1)")
    tail = at(3, f"substr({s}, -6)")
    zulu = at(3, f"(upper(substr({s}, -1)) = 'Z')")
    millis = at(4, f"coalesce(try_cast(rpad(substr({frac}, 1, 3), 3, '0') AS BIGINT), 0L)")
    off_h = at(4, f"try_cast(substr({tail}, 2, 2) AS INT)")
    off_m = at(4, f"try_cast(substr({tail}, 5, 2) AS INT)")
    negative = at(4, f"substr({tail}, 1, 1) = '-'")
    leap = at(4, f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)")
    dim = at(5, f"CASE WHEN {mo} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END WHEN {mo} IN (4, 6, 9, 11) THEN 30 ELSE 31 END")
    offset = at(5, f"CASE WHEN {zulu} THEN 0L WHEN {negative} THEN -({off_h} * 60L + {off_m}) ELSE {off_h} * 60L + {off_m} END")
    # Days from the civil date (H. Hinnant's algorithm), exact in integers.
    yy = at(4, f"{y} - CASE WHEN {mo} <= 2 THEN 1 ELSE 0 END")
    doy = at(4, f"(153 * ({mo} + CASE WHEN {mo} > 2 THEN -3 ELSE 9 END) + 2) DIV 5 + {d} - 1")
    era = at(5, f"CASE WHEN {yy} >= 0 THEN {yy} ELSE {yy} - 399 END DIV 400")
    yoe = at(6, f"{yy} - {era} * 400")
    days = at(7, f"{era} * 146097L + {yoe} * 365 + {yoe} DIV 4 - {yoe} DIV 100 + {doy} - 719468L")
    ms = at(8, f"(({days} * 86400L + {h} * 3600L + {mi} * 60L + {sec}) * 1000L + {millis}) - ({offset}) * 60000L")
    valid = at(
        8,
        f"{matches} AND {mo} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {dim} AND {h} <= 23 AND {mi} <= 59 "
        f"AND {sec} <= 59 AND ({zulu} OR ({off_h} <= 23 AND {off_m} <= 59))",
    )
    return at(9, f"CASE WHEN {valid} THEN {ms} END")


def _stripped(line: str) -> str:
    return f"CASE WHEN startswith({line}, '\ufeff') THEN substr({line}, 2) ELSE {line} END"


def wrapper_sql(line: str) -> str:
    return f"try_parse_json(concat('[', {_stripped(line)}, {_sql_string(',' + json.dumps(END_MARK) + ']')}))"


def validate(df, schema: dict, event_bytes: int, line: str = "value", wrapper: str = "w"):
    """`df` with the parsed line `w` (VARIANT), `reason` (NULL for a valid event, else the
    batch's reason code) and `t_ms` (the event time of a valid event, epoch ms): columns
    generated from the schema. The raw line is the string column `line`."""
    stager = Stager()
    gen = Generator(schema, stager)
    ended = (
        f"{wrapper} IS NOT NULL AND try_variant_get({wrapper}, '$[1]', 'string') = {_sql_string(END_MARK)} "
        f"AND try_variant_get({wrapper}, '$[2]') IS NULL"
    )
    event = gen.event_reason(wrapper, line)
    then = gen.resolve(gen.branches()[0][1])
    node = gen.resolve(then["properties"]["event_time"])
    time_s = _Value(wrapper, "$[0].event_time", stager).get("string")
    t_ms = date_time_ms(time_s, node.get("pattern", _DATE_TIME), stager)
    columns = df.columns
    out = stager.apply(df.withColumn(wrapper, F.expr(wrapper_sql(line))))
    reason = (
        f"CASE WHEN octet_length({line}) > {int(event_bytes)} THEN 'record_too_large' "
        f"WHEN NOT is_valid_utf8({line}) THEN 'invalid_json' "
        f"WHEN NOT ({ended}) THEN 'invalid_json' "
        f"ELSE {event} END"
    )
    out = out.withColumn("reason", F.expr(reason))
    return out.select(*columns, wrapper, "reason", F.expr(f"CASE WHEN reason IS NULL THEN {t_ms} END").alias("t_ms"))


def field(wrapper: str, name: str, sql_type: str = "string") -> Column:
    """A top-level field of a valid event, typed (numbers read as doubles, then cast)."""
    path = _sql_string(f"$[0].{name}")
    if sql_type == "bigint":
        return F.expr(f"CAST(try_variant_get({wrapper}, {path}, 'double') AS BIGINT)")
    return F.expr(f"try_variant_get({wrapper}, {path}, {_sql_string(sql_type)})")


def items(wrapper: str, fields: list[tuple[str, str]]) -> Column:
    """The event's `items` as an array of structs of the given (name, type) fields."""
    parts = []
    for name, sql_type in fields:
        p = _sql_string(f"$.{name}")
        if sql_type == "bigint":
            parts.append(f"'{name}', CAST(try_variant_get(e, {p}, 'double') AS BIGINT)")
        else:
            parts.append(f"'{name}', try_variant_get(e, {p}, {_sql_string(sql_type)})")
    return F.expr(
        f"transform(try_variant_get({wrapper}, '$[0].items', 'array<variant>'), e -> named_struct({', '.join(parts)}))"
    )


def describe(value: Any) -> str:  # pragma: no cover - a debugging aid
    return json.dumps(value)[:200]
