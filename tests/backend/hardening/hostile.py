"""Hypothesis strategies for request bodies, built from their OpenAPI schema: mostly values of
the declared type, often ones no database or calendar can hold (NUL, lone surrogates, control
characters, numbers past any column, dates outside Python's years), sometimes the wrong type.
"""

from datetime import UTC, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from .openapi_inputs import JSON, Ids, Operation, Raw, Slot, as_text, id_kind, non_null

# Every code point, lone surrogates included (hypothesis leaves them out by default).
ANY_CHAR = st.characters(exclude_categories=())
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=8), st.text(max_size=8)),
    st.sampled_from(["\ud800", "a\udfffb", "\r\n", "\x1b[31m", "\u202e", "x" * 5000]),
)
HUGE_NUMBERS = st.one_of(
    st.sampled_from(
        [Raw("1E+200000"), Raw("-1E+200000"), Raw("1e-999999"), Raw("NaN"), Raw("Infinity")]
    ),
    st.sampled_from(["1E+200000", "-1e308", "NaN", "-Infinity", "0E-999999", "1" * 400]),
    st.integers(min_value=2**31 - 2, max_value=2**80) | st.integers(max_value=-(2**31) + 2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.none() | st.just(UTC) | OFFSETS).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "9999-01-01",
            "0000-01-01",
            "10000-01-01T00:00:00Z",
            "2026-02-30",
            "2026-01-01T24:00:00Z",
        ]
    ),
)
WRONG_TYPES = st.sampled_from([None, True, [], {}, ["a"], {"a": 1}, 0, ""])
NASTY = st.one_of(TEXT, HUGE_NUMBERS, DATES, WRONG_TYPES)


def hostile_body(op: Operation, schema: JSON, ids: Ids) -> Any:
    """A body for `schema`: half the time every field of its type (so that requests get past
    validation with extreme values), otherwise any field may be anything."""
    return typed(op, (), schema, ids, nasty=False) | hostile(op, (), schema, ids)


def hostile(op: Operation, keys: tuple[str | int, ...], schema: JSON, ids: Ids) -> Any:
    """Values for `schema`: of its type two times in three, otherwise anything nasty."""
    return st.one_of(typed(op, keys, schema, ids), typed(op, keys, schema, ids), NASTY)


def typed(
    op: Operation, keys: tuple[str | int, ...], schema: JSON, ids: Ids, *, nasty: bool = True
) -> Any:
    """Values of the declared type, at and far beyond its bounds; with `nasty`, the fields of
    an object or the items of a list may be of any type."""
    if not isinstance(schema, dict):
        return NASTY

    def inner(key: str | int, sub: JSON) -> Any:
        if nasty:
            return hostile(op, (*keys, key), sub, ids)
        return typed(op, (*keys, key), sub, ids, nasty=False)

    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([typed(op, keys, b, ids, nasty=nasty) for b in schema[key]])
    s = non_null(schema)
    if "const" in s:
        return st.just(s["const"])
    if "enum" in s:
        return st.sampled_from(s["enum"]) | TEXT
    kind, fmt = s.get("type"), s.get("format")
    if kind == "null":
        return st.none()
    if kind == "string" or (kind is None and fmt):
        if fmt == "uuid":
            real = ids.get(id_kind(op, Slot("body", keys or ("id",), s)))
            known = st.just(real) if real else st.nothing()
            return known | st.uuids().map(str) | TEXT
        if fmt in ("date", "date-time"):
            return DATES
        if fmt == "email":
            return st.emails() | TEXT.map(lambda t: f"{t}@example.com")
        return TEXT | HUGE_NUMBERS.map(as_text) | DATES
    if kind == "integer":
        return st.integers() | HUGE_NUMBERS
    if kind == "number":
        return st.integers() | HUGE_NUMBERS | st.decimals(places=4).map(Decimal.__str__)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = s.get("items", {})
        return st.lists(inner(0, items), max_size=4)
    if kind == "object" or "properties" in s:
        props = s.get("properties", {})
        required = set(s.get("required", []))
        fixed = {k: inner(k, p) for k, p in props.items() if k in required}
        optional = {k: inner(k, p) for k, p in props.items() if k not in required}
        if props:
            return st.fixed_dictionaries(fixed, optional=optional)
        return st.dictionaries(TEXT, json_values(), max_size=4)
    return NASTY


def json_values() -> Any:
    """Free-form JSON (an integration's config): nested, with every kind of leaf."""
    leaves = st.none() | st.booleans() | TEXT | HUGE_NUMBERS
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
        max_leaves=8,
    )


def form_fields(op: Operation, ids: Ids) -> Any:
    """A multipart body: each field text of any kind, a file of any bytes."""
    assert op.body_schema is not None
    props = non_null(op.body_schema).get("properties", {})
    fields = {}
    for name, prop in props.items():
        p = non_null(prop)
        if p.get("format") == "binary" or p.get("contentMediaType"):
            fields[name] = st.binary(max_size=2_000) | st.just(ids.csv)
        else:
            fields[name] = typed(op, (name,), prop, ids).map(as_text) | TEXT
    return st.fixed_dictionaries({}, optional=fields)
