"""Every operation of the OpenAPI document, a valid request to it, and that request with one
value (a path or query parameter, or a body field at any depth) replaced by a bad one.

Valid values come from the schema (types, formats, bounds, enums) and, for ids, from a
workspace of real objects: `Ids` maps an id's kind (`deal_id`, `stage_id`, ...) to one.
"""

import base64
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any
from urllib.parse import quote

JSON = Any
PASSWORD = "correct horse battery staple"
MAX_DEPTH = 4


@dataclass(frozen=True)
class Raw:
    """A JSON literal Python's json module does not write as such (1E+200000, NaN)."""

    text: str


@dataclass(frozen=True)
class InUrl:
    """Percent-escapes put in the URL as they are (bytes that are not UTF-8)."""

    text: str


@dataclass(frozen=True)
class Param:
    location: str  # path or query
    name: str
    schema: dict[str, JSON]
    required: bool


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    params: tuple[Param, ...]
    body_type: str | None  # application/json, multipart/form-data, or None
    body_schema: dict[str, JSON] | None
    streams: bool  # answers text/event-stream

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def writes(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class Slot:
    """One value of a request: a path or query parameter, or a body field (keys into it)."""

    location: str  # path, query or body
    keys: tuple[str | int, ...]
    schema: dict[str, JSON]

    @property
    def name(self) -> str:
        """The field's own name (a list item is named after its list)."""
        return next(str(k) for k in reversed(self.keys) if isinstance(k, str))

    @property
    def label(self) -> str:
        return ".".join([self.location, *(str(k) for k in self.keys)])


# --- the document ----------------------------------------------------------------------


def deref(schema: JSON, doc: dict[str, JSON], depth: int = 0) -> JSON:
    """The schema with every `$ref` replaced by what it points to."""
    if depth > 12:
        return {}
    if isinstance(schema, list):
        return [deref(item, doc, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target: JSON = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return deref(merged, doc, depth + 1)
    return {k: deref(v, doc, depth + 1) for k, v in schema.items()}


def operations(doc: dict[str, JSON]) -> list[Operation]:
    found = []
    for path, item in doc["paths"].items():
        for method, spec in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = tuple(
                Param(p["in"], p["name"], deref(p.get("schema", {}), doc), p.get("required", False))
                for p in spec.get("parameters", [])
                if p["in"] in ("path", "query")
            )
            content = spec.get("requestBody", {}).get("content", {})
            body_type = next(iter(content), None)
            body_schema = deref(content[body_type]["schema"], doc) if body_type else None
            answers = spec.get("responses", {})
            streams = any("text/event-stream" in r.get("content", {}) for r in answers.values())
            found.append(Operation(method.upper(), path, params, body_type, body_schema, streams))
    return found


def non_null(schema: dict[str, JSON]) -> dict[str, JSON]:
    """The first branch of an `anyOf`/`oneOf` that is not `null` (objects first)."""
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if b.get("type") != "null"]
            if not branches:
                return {"type": "null"}
            objects = [b for b in branches if b.get("type") == "object"]
            return non_null(objects[0] if objects else branches[0])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return non_null({**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}})
    return schema


def slots(op: Operation) -> list[Slot]:
    found = [Slot(p.location, (p.name,), p.schema) for p in op.params]
    if op.body_schema is not None:
        found.extend(_body_slots(op.body_schema, ()))
    return found


def _body_slots(schema: dict[str, JSON], keys: tuple[str | int, ...]) -> Iterator[Slot]:
    if keys:
        yield Slot("body", keys, schema)
    if len(keys) >= MAX_DEPTH:
        return
    s = non_null(schema)
    if s.get("type") == "object" or "properties" in s:
        for name, prop in s.get("properties", {}).items():
            yield from _body_slots(prop, (*keys, name))
        extra = _extra_property(s)
        if extra is not None:
            yield Slot("body", (*keys, extra[0]), extra[1])
    elif s.get("type") == "array" and isinstance(s.get("items"), dict):
        yield from _body_slots(s["items"], (*keys, 0))


def _extra_property(schema: dict[str, JSON]) -> tuple[str, dict[str, JSON]] | None:
    """A key this free-form object accepts, with its value's schema."""
    for pattern, sub in schema.get("patternProperties", {}).items():
        key = "access_token" if re.match(pattern, "access_token") else "field"
        return key, sub
    extra = schema.get("additionalProperties")
    if extra is True:
        return "field", {}
    if isinstance(extra, dict):
        return "field", extra
    return None


# --- valid values ----------------------------------------------------------------------


@dataclass
class Ids:
    """Real ids by kind, for path parameters and id fields."""

    by_kind: dict[str, str]
    csv: bytes = b""
    # A fresh address each time: registering one twice would stop at "already exists".
    emails: Iterator[str] = field(
        default_factory=lambda: (f"sweep-{n}-{uuid.uuid4().hex[:8]}@example.com" for n in count())
    )

    def get(self, kind: str | None) -> str | None:
        return self.by_kind.get(kind) if kind else None


def id_kind(op: Operation, slot: Slot) -> str | None:
    """Which kind of object a uuid-valued slot refers to (None for other slots)."""
    name = slot.name
    if isinstance(slot.keys[-1], int) and name.endswith("_ids"):
        name = name[:-1]
    if name == "run_id":
        for part, kind in (
            ("/insights/", "insight_run_id"),
            ("/hubspot/", "hubspot_run_id"),
            ("/notion/", "notion_run_id"),
        ):
            if part in op.path:
                return kind
    if name == "integration_id" and op.path.startswith("/api/v1/webhooks/notion"):
        return "notion_integration_id"
    if name == "move_to":
        return "other_stage_id"
    if name == "owner_id":
        return "owner_id"
    if name.endswith(("_id", "_key")):
        return name
    return None


UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")
TOKEN_TEXT = re.compile(r"[A-Za-z0-9_-]+")


def use_real_ids(method: str, path: str, path_parameters: Any, body: Any, ids: Ids) -> None:
    """Generated ids (path parameters, top-level body fields) become real ones of the same
    kind, so that a fuzzer's cases get past the 404s; values that are not ids (negative
    cases) stay as they are. Changes the given dicts in place.

    An id looks like a uuid; outside the workspace routes (the webhooks take plain strings),
    or for ids that are no uuids (a URL key), any token of letters and digits does."""
    op = Operation(method.upper(), path, (), None, None, False)
    for location, values in (("path", path_parameters), ("body", body)):
        if not isinstance(values, dict):
            continue
        for name, value in list(values.items()):
            real = ids.get(id_kind(op, Slot(location, (name,), {})))
            if not real or not isinstance(value, str):
                continue
            loose = not path.startswith("/api/v1/workspaces/") or not UUID_TEXT.fullmatch(real)
            if UUID_TEXT.fullmatch(value) or (loose and TOKEN_TEXT.fullmatch(value)):
                values[name] = real


def valid(op: Operation, slot_keys: tuple[str | int, ...], schema: JSON, ids: Ids) -> JSON:
    """A value the schema accepts; ids of real objects for id fields."""
    if not isinstance(schema, dict):
        return None
    s = non_null(schema)
    name = next((str(k) for k in reversed(slot_keys) if isinstance(k, str)), "")
    if "const" in s:
        return s["const"]
    if "enum" in s:
        values = s["enum"]
        for preferred in ("viewer", "incremental", "hubspot", "call", "open"):
            if preferred in values:
                return preferred
        return values[0]
    kind = s.get("type")
    fmt = s.get("format")
    if kind == "string" or (kind is None and fmt):
        if fmt == "uuid":
            found = ids.get(id_kind(op, Slot("body", slot_keys or ("id",), s)))
            return found or str(uuid.uuid4())
        if fmt == "date":
            return "2026-03-01"
        if fmt == "date-time":
            return "2026-03-01T10:00:00Z"
        if fmt == "email":
            return next(ids.emails)
        if fmt == "password" or name in ("password", "current_password"):
            return PASSWORD
        if fmt == "binary" or s.get("contentMediaType"):
            return ids.csv.decode()
        if name == "cursor":
            return _b64(b"[]")
        if name in ids.by_kind:
            return ids.by_kind[name]
        text = {"currency": "EUR", "amount": "120.50", "probability": "50"}.get(name, "x")
        return text.ljust(max(int(s.get("minLength", 1)), len(text)), "x")
    if kind == "integer":
        low = s.get("minimum", s.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in s else 0))
        return int(max(1, low))
    if kind == "number":
        return 50 if s.get("maximum", 100) >= 50 else s.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "array":
        if s.get("minItems", 0) or name.endswith("_ids"):
            if name == "stage_ids" and "stage_ids" in ids.by_kind:
                return json.loads(ids.by_kind["stage_ids"])
            return [valid(op, (*slot_keys, 0), s.get("items", {}), ids)]
        return []
    if kind == "object" or "properties" in s:
        required = s.get("required", [])
        value = {
            key: valid(op, (*slot_keys, key), prop, ids)
            for key, prop in s.get("properties", {}).items()
            if key in required
        }
        if not s.get("properties") and s.get("patternProperties"):
            # A map of named secrets, e.g. credentials: {"access_token": ...}.
            key, sub = _extra_property(s) or ("field", {})
            value[key] = valid(op, (*slot_keys, key), sub, ids)
        return value
    return "x"


def schema_at(schema: JSON, keys: tuple[str | int, ...]) -> dict[str, JSON]:
    """The schema of the value at `keys` inside a value of `schema`."""
    for key in keys:
        s = non_null(schema) if isinstance(schema, dict) else {}
        if isinstance(key, int):
            schema = s.get("items", {})
        elif key in s.get("properties", {}):
            schema = s["properties"][key]
        else:
            extra = _extra_property(s)
            schema = extra[1] if extra else {}
    return schema if isinstance(schema, dict) else {}


def body_with(op: Operation, ids: Ids, keys: tuple[str | int, ...], value: JSON) -> JSON:
    """A valid body (required fields only) with `value` at `keys`, parents made as needed."""
    assert op.body_schema is not None
    body = valid(op, (), op.body_schema, ids)
    if not keys:
        return value
    node = body
    for depth, key in enumerate(keys[:-1]):
        child = node[key] if _has(node, key) else None
        if not isinstance(child, dict | list):
            child = valid(op, keys[: depth + 1], schema_at(op.body_schema, keys[: depth + 1]), ids)
            if not isinstance(child, dict | list):
                child = [] if isinstance(keys[depth + 1], int) else {}
            _set(node, key, child)
        node = child
    _set(node, keys[-1], value)
    return body


def _has(node: JSON, key: str | int) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(key, int) and key < len(node)


def _set(node: JSON, key: str | int, value: JSON) -> None:
    if isinstance(node, list):
        assert isinstance(key, int)
        while len(node) <= key:
            node.append(None)
    node[key] = value


# --- bad values ------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_VALUES: list[tuple[str, JSON]] = [
    ("nul", "a\u0000b"),
    ("control characters", "a\r\nX-Injected: 1\u0007\u001b"),
    ("lone surrogate", "a\ud800b"),
    ("100k chars", "x" * 100_000),
    ("1E+200000", Raw("1E+200000")),
    ("'1E+200000'", "1E+200000"),
    ("-1e308", -1e308),
    ("'-1e308'", "-1e308"),
    ("2**70", 2**70),
    ("-1", -1),
    ("NaN", Raw("NaN")),
    ("'NaN'", "NaN"),
    ("Infinity", Raw("Infinity")),
    ("'Infinity'", "Infinity"),
    ("'-Infinity'", "-Infinity"),
    ("year 1 +14:00", "0001-01-01T00:00:00+14:00"),
    ("year 9999 -12:00", "9999-12-31T23:59:59-12:00"),
    ("9999-01-01", "9999-01-01"),
    ("list", ["a", "b"]),
    ("object", {"a": 1}),
    ("bool", True),
    ("null", None),
    ("cursor random", _b64(bytes(range(7, 250, 11)))),
    ("cursor ['1e999999']", _b64(b'["1e999999"]')),
    ("cursor []", _b64(b"[]")),
    ("cursor {}", _b64(b"{}")),
    ("random uuid", "7d1a3b2c-9c1e-4d8e-b3f1-2a6c5e4d3b21"),
    ("not-a-uuid", "not-a-uuid"),
]
# Cursors shaped like ours (a list of the last row's sort values) holding values of the
# wrong type or out of range, for parameters named `cursor`.
FORGED_CURSORS: list[tuple[str, JSON]] = [
    (f"cursor {text}", _b64(text.encode()))
    for text in (
        '["1e999999","00000000-0000-0000-0000-000000000000"]',
        '[1e999999,"00000000-0000-0000-0000-000000000000"]',
        '["9999-12-31T23:59:59-12:00","00000000-0000-0000-0000-000000000000"]',
        '["0001-01-01T00:00:00+14:00","x"]',
        '["a\\u0000b","not-a-uuid"]',
        "[null,null]",
        "[{},[]]",
        '[true,1e999999,"x"]',
        '["NaN","Infinity","-1e308"]',
        '["2026-01-01T00:00:00Z","1e999999","00000000-0000-0000-0000-000000000000"]',
    )
]
LONG_IN_URL = ("20k chars", "x" * 20_000)
NOT_UTF8 = ("not UTF-8", InUrl("a%ED%A0%80%FFb"))
FOREIGN = "another workspace's id"


def bad_values(op: Operation, slot: Slot, foreign: Ids) -> list[tuple[str, JSON]]:
    values = list(BAD_VALUES)
    if slot.location != "body":
        # A URL holds at most 64k characters (httpx refuses longer ones, servers too), and
        # bytes rather than text: a lone surrogate is sent as bytes that are not UTF-8.
        swaps = {"100k chars": LONG_IN_URL, "lone surrogate": NOT_UTF8}
        values = [swaps.get(label, (label, v)) for label, v in values]
    if slot.name == "cursor":
        values += FORGED_CURSORS
    other = (
        foreign.get(id_kind(op, slot)) if non_null(slot.schema).get("format") == "uuid" else None
    )
    if other is not None:
        values.append((FOREIGN, other))
    return values


# --- requests --------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    url: str
    params: list[tuple[str, str]]
    content: bytes | None = None
    data: dict[str, JSON] | None = None
    files: dict[str, JSON] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        query = "&".join(f"{k}={v[:60]!r}" for k, v in self.params)
        shown = (self.content or b"")[:300].decode(errors="replace")
        if self.data is not None:
            shown = repr({k: str(v)[:80] for k, v in self.data.items()})[:300]
        return f"{self.method} {self.url[:200]}{'?' + query if query else ''} {shown}"


def as_text(value: JSON) -> str:
    """A value as a path or query parameter sends it."""
    if isinstance(value, Raw | InUrl):
        return value.text
    if isinstance(value, str):
        return value
    return json.dumps(value)


def to_json(value: JSON) -> bytes:
    """JSON text, `Raw` values written as their literal."""
    raws: dict[str, str] = {}

    def swap(node: JSON) -> JSON:
        if isinstance(node, Raw):
            marker = f"__raw_{len(raws)}__"
            raws[f'"{marker}"'] = node.text
            return marker
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(value))
    for marker, literal in raws.items():
        text = text.replace(marker, literal)
    return text.encode()


def build(
    op: Operation, ids: Ids, headers: dict[str, str], slot: Slot | None = None, value: JSON = None
) -> Request:
    """The valid request to `op`, with `value` in `slot` if one is given."""
    path_values = {
        p.name: ids.get(id_kind(op, Slot("path", (p.name,), p.schema))) for p in op.params
    }
    url = op.path
    params: list[tuple[str, str]] = []
    raw_query = ""
    for p in op.params:
        chosen = (
            value
            if slot is not None and slot.location == p.location and slot.keys == (p.name,)
            else None
        )
        is_slot = slot is not None and slot.location == p.location and slot.keys == (p.name,)
        if p.location == "path":
            text = as_text(chosen) if is_slot else (path_values[p.name] or str(uuid.uuid4()))
            escaped = chosen.text if isinstance(chosen, InUrl) else quote(text, safe="")
            url = url.replace("{" + p.name + "}", escaped)
        elif is_slot:
            if isinstance(chosen, InUrl):
                raw_query = f"{p.name}={chosen.text}"
            elif isinstance(chosen, list):
                params.extend((p.name, as_text(v)) for v in chosen)
            else:
                params.append((p.name, as_text(chosen)))
        elif p.required:
            params.append((p.name, as_text(valid(op, (p.name,), p.schema, ids))))
    if raw_query:
        # Sent as they are: httpx would escape the escapes given as parameters.
        url += "?" + "&".join([raw_query, *(f"{k}={quote(v, safe='')}" for k, v in params)])
        params = []
    request = Request(op.method, url, params, headers=dict(headers))
    if op.body_type is None:
        return request
    in_body = slot is not None and slot.location == "body"
    body = (
        body_with(op, ids, slot.keys if in_body else (), value)
        if in_body
        else valid(op, (), op.body_schema, ids)
    )
    if op.body_type == "application/json":
        request.content = to_json(body)
        request.headers["Content-Type"] = "application/json"
    else:
        request.data, request.files = _form(op, body)
    return request


def _form(op: Operation, body: JSON) -> tuple[dict[str, JSON], dict[str, JSON]]:
    """A multipart body: binary fields as files, the others as form values."""
    assert op.body_schema is not None
    props = non_null(op.body_schema).get("properties", {})
    data: dict[str, JSON] = {}
    files: dict[str, JSON] = {}
    if not isinstance(body, dict):
        return {"value": as_text(body)}, {}
    for key, value in body.items():
        prop = non_null(props.get(key, {}))
        if prop.get("format") == "binary" or prop.get("contentMediaType"):
            files[key] = ("deals.csv", _bytes(as_text(value)), "text/csv")
        elif isinstance(value, list):
            data[key] = [_bytes(as_text(v)) for v in value]
        else:
            data[key] = _bytes(as_text(value))
    return data, files


def _bytes(text: str) -> bytes:
    """UTF-8, a lone surrogate as the bytes it would have (which are not valid UTF-8)."""
    return text.encode("utf-8", "surrogatepass")
