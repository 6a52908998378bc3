"""Every route and method of the OpenAPI document, each value of its request replaced in turn
by a bad one: text with NUL, 100k characters, huge and out-of-range numbers and dates, wrong
types, garbage cursors, unknown and another workspace's ids.

What must hold for every such request: no 5xx; every 4xx in the one error shape
`{"error": {"code", "message", "details"}}`; a validation failure's details name the field;
another workspace's id in the path is a 404, and in a body it is refused.

Event streams (`GET .../events`, `POST .../chat`) are swept too: a stream that starts is cut
after its first chunk (see `CutEventStreams`), so no request can hang.
"""

import pytest
from httpx import AsyncClient

from backend.app import create_app

from .answers import judge, send
from .openapi_inputs import (
    Operation,
    Request,
    Slot,
    bad_values,
    build,
    id_kind,
    operations,
    slots,
    valid,
)
from .world import World

pytestmark = pytest.mark.xdist_group("bad_input_sweep")

OPERATIONS = operations(create_app().openapi())
# Raw bodies for the routes whose body the document does not describe (signed webhooks).
RAW_BODIES = [
    b'{"verification_token": "a\\u0000b"}',
    b'[{"portalId": 1E+200000, "objectId": -1e308, "occurredAt": 1180591620717411303424}]',
    b'{"type": "page.created", "timestamp": "9999-12-31T23:59:59-12:00", "entity": []}',
    b"\xff\xfe\x00garbage",
    b"{",
    b"",
]
# Bodies no field can be blamed for, sent to every route that takes JSON.
BROKEN_JSON = [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b'{"name": "\xff\xfe"}',
    b'{"name": ' + b"9" * 5_000 + b"}",
    b"not json",
]


async def owner_still_signed_in(client: AsyncClient, world: World) -> None:
    me = await client.get("/api/v1/users/me", headers=world.headers)
    assert me.status_code == 200, f"the owner's session was lost during the sweep: {me.text}"


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
async def test_no_bad_value_gets_a_server_error_or_another_error_shape(
    op: Operation, sweep_client: AsyncClient, worlds: tuple[World, World]
) -> None:
    mine, theirs = worlds
    failures: list[str] = []

    async def check(slot: Slot | None, label: str, request: Request, alone: bool = True) -> None:
        status, body = await send(sweep_client, request)
        problem = judge(op, slot, label, status, body, alone=alone)
        if problem:
            where = slot.label if slot else "(valid request)"
            failures.append(f"{where} = {label}: {problem}\n    {request.describe()}")

    if op.method != "DELETE":
        await check(None, "valid", build(op, mine.ids, mine.headers))
    for slot in slots(op):
        alone = True
        if slot.location == "body":
            control = valid(op, slot.keys, slot.schema, mine.ids)
            status, _ = await send(sweep_client, build(op, mine.ids, mine.headers, slot, control))
            alone = status != 422
        for label, value in bad_values(op, slot, theirs.ids):
            request = build(op, mine.ids, mine.headers, slot, value)
            await check(slot, label, request, alone)
    raw_bodies = (
        RAW_BODIES
        if op.method == "POST" and op.body_type is None
        else BROKEN_JSON
        if op.body_type == "application/json"
        else []
    )
    for raw in raw_bodies:
        request = build(op, mine.ids, mine.headers)
        request.content = raw
        request.headers["Content-Type"] = "application/json"
        await check(None, f"raw body {raw[:40]!r}", request)
    await owner_still_signed_in(sweep_client, mine)
    if failures:
        pytest.fail(f"{len(failures)} bad answers:\n" + "\n".join(failures[:60]), pytrace=False)


async def test_every_path_parameter_names_a_real_object(worlds: tuple[World, World]) -> None:
    """Otherwise the sweep of that route stops at its 404 and tests nothing behind it."""
    mine, theirs = worlds
    unresolved = {
        f"{op.name} {p.name}"
        for op in OPERATIONS
        for p in op.params
        if p.location == "path"
        for world in (mine, theirs)
        if world.ids.get(id_kind(op, Slot("path", (p.name,), p.schema))) is None
    }
    assert not unresolved


def test_every_operation_is_swept() -> None:
    """The sweep reads the document: a new route is swept without anyone listing it."""
    paths = {route.path for route in create_app().routes if hasattr(route, "methods")}
    swept = {op.path for op in OPERATIONS}
    undocumented = {p for p in paths - swept if not p.startswith(("/docs", "/redoc", "/openapi"))}
    assert not undocumented, f"routes missing from the OpenAPI document: {undocumented}"
    assert len(OPERATIONS) >= 80
