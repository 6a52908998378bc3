import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.integrations import crypto
from tests.factories import Account, add_member, make_user, make_workspace

SECRET = "pat-na1-5f1c2d9e-7b7a-4e0e-9a51-c0ffee12abcd"


def url(ws: str, path: str = "") -> str:
    return f"/api/v1/workspaces/{ws}/integrations{path}"


async def connect(client: AsyncClient, ws: str, who: Account, **overrides: object) -> dict:
    body = {
        "type": "hubspot",
        "config": {"pipelines": ["default"]},
        "credentials": {"access_token": SECRET},
        **overrides,
    }
    response = await client.post(url(ws), json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.msg!r} {record.args!r}")

    root, handler = logging.getLogger(), Collect(level=logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_connecting_returns_masked_credentials_only(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await client.post(
        url(ws),
        json={
            "type": "hubspot",
            "config": {"region": "na1"},
            "credentials": {"access_token": SECRET},
        },
        headers=owner.headers,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["credentials"] == {"access_token": "••••abcd"}
    assert body["has_credentials"] is True
    assert body["status"] == "connected"
    assert body["config"] == {"region": "na1"}
    assert (body["last_synced_at"], body["last_error"]) == (None, None)
    assert SECRET not in created.text


async def test_credentials_are_encrypted_at_rest(client: AsyncClient, sync_engine: Engine) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await connect(client, ws, owner)
    with sync_engine.connect() as conn:
        row = conn.execute(
            text("select * from integration where id = :id"), {"id": created["id"]}
        ).one()
        row_text = conn.scalar(
            text("select i::text from integration i where id = :id"), {"id": created["id"]}
        )
    assert SECRET not in row.credentials_encrypted
    assert SECRET not in row_text
    assert SECRET[-12:] not in row_text
    assert crypto.decrypt(row.credentials_encrypted) == {"access_token": SECRET}


async def test_reads_never_return_the_secret(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await connect(client, ws, owner)
    listed = await client.get(url(ws), headers=owner.headers)
    read = await client.get(url(ws, f"/{created['id']}"), headers=owner.headers)
    assert [i["id"] for i in listed.json()] == [created["id"]]
    assert read.json() == created
    for response in (listed, read):
        assert SECRET not in response.text
        assert SECRET[:-4] not in response.text


async def test_short_secrets_are_fully_masked(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await connect(
        client, ws, owner, type="notion", credentials={"access_token": "tiny-token"}
    )
    assert created["credentials"] == {"access_token": "••••"}


async def test_secrets_never_reach_the_logs(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    with captured_logs() as lines:
        created = await connect(client, ws, owner)
        await client.patch(
            url(ws, f"/{created['id']}"),
            json={"credentials": {"access_token": SECRET + "-v2"}},
            headers=owner.headers,
        )
        await client.post(
            url(ws),
            json={"type": "notion", "credentials": {"refresh": SECRET}},
            headers=owner.headers,
        )
    assert lines, "nothing was logged at all: the capture is broken"
    assert not [line for line in lines if SECRET in line]


async def test_second_integration_of_a_type_is_a_conflict(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    await connect(client, ws, owner)
    again = await client.post(
        url(ws),
        json={"type": "hubspot", "credentials": {"access_token": "pat-other"}},
        headers=owner.headers,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "integration_exists"
    notion = await connect(client, ws, owner, type="notion", config={"sync_notes": True})
    assert notion["type"] == "notion"


async def test_same_type_is_allowed_in_another_workspace(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    await connect(client, ws, owner)
    assert (await connect(client, other, owner))["type"] == "hubspot"


async def test_credentials_need_an_access_token_and_errors_do_not_echo_them(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    for credentials in ({}, {"api": SECRET}, {"access_token": ""}):
        response = await client.post(
            url(ws), json={"type": "hubspot", "credentials": credentials}, headers=owner.headers
        )
        assert response.status_code == 422, credentials
        assert SECRET not in response.text


async def test_secret_looking_config_is_refused(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    for config in ({"api_key": "k"}, {"auth": {"client_secret": "s"}}):
        response = await client.post(
            url(ws),
            json={"type": "notion", "config": config, "credentials": {"access_token": "t"}},
            headers=owner.headers,
        )
        assert response.status_code == 422
        assert "credentials" in response.json()["error"]["details"][0]["message"]


async def test_patch_replaces_config_and_credentials_and_reconnects(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await connect(client, ws, owner)
    with sync_engine.begin() as conn:
        conn.execute(
            text("update integration set status = 'error', last_error = 'HTTP 401' where id = :id"),
            {"id": created["id"]},
        )
    new_secret = "pat-na1-rotated-by-the-admin-0000wxyz"
    response = await client.patch(
        url(ws, f"/{created['id']}"),
        json={"config": {"region": "eu1"}, "credentials": {"access_token": new_secret}},
        headers=owner.headers,
    )
    body = response.json()
    assert body["config"] == {"region": "eu1"}
    assert body["credentials"] == {"access_token": "••••wxyz"}
    assert (body["status"], body["last_error"]) == ("connected", None)
    with sync_engine.connect() as conn:
        stored = conn.scalar(
            text("select credentials_encrypted from integration where id = :id"),
            {"id": created["id"]},
        )
    assert crypto.decrypt(stored) == {"access_token": new_secret}


async def test_patch_can_disconnect_and_reconnect(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await connect(client, ws, owner)
    path = url(ws, f"/{created['id']}")
    off = await client.patch(path, json={"status": "disconnected"}, headers=owner.headers)
    assert off.json()["status"] == "disconnected"
    assert off.json()["config"] == created["config"]
    on = await client.patch(path, json={"status": "connected"}, headers=owner.headers)
    assert on.json()["status"] == "connected"
    syncing = await client.patch(path, json={"status": "syncing"}, headers=owner.headers)
    assert syncing.status_code == 422


async def test_delete_removes_the_integration_and_its_secret(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await connect(client, ws, owner)
    assert (
        await client.delete(url(ws, f"/{created['id']}"), headers=owner.headers)
    ).status_code == 204
    assert (
        await client.get(url(ws, f"/{created['id']}"), headers=owner.headers)
    ).status_code == 404
    with sync_engine.connect() as conn:
        assert conn.scalar(text("select count(*) from integration")) == 0
    assert (await connect(client, ws, owner))["type"] == "hubspot"


async def test_only_admins_change_integrations_while_viewers_read(client: AsyncClient) -> None:
    owner, admin = await make_user(client), await make_user(client)
    member, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, admin, "admin")
    await add_member(client, ws, owner, member, "member")
    await add_member(client, ws, owner, viewer, "viewer")
    created = await connect(client, ws, admin)
    path = url(ws, f"/{created['id']}")
    writes = [
        ("POST", url(ws), {"type": "notion", "credentials": {"access_token": "t"}}),
        ("PATCH", path, {"status": "disconnected"}),
        ("DELETE", path, None),
    ]
    for who in (member, viewer):
        for method, target, body in writes:
            response = await client.request(method, target, json=body, headers=who.headers)
            assert response.status_code == 403, (method, target)
        assert (await client.get(url(ws), headers=who.headers)).status_code == 200
        assert (await client.get(path, headers=who.headers)).status_code == 200
    assert (await client.get(path, headers=owner.headers)).json()["status"] == "connected"


async def test_outsider_gets_404_on_every_integration_route(client: AsyncClient) -> None:
    owner, mallory = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await make_workspace(client, mallory)
    created = await connect(client, ws, owner)
    path = url(ws, f"/{created['id']}")
    attempts = [
        ("GET", url(ws), None),
        ("POST", url(ws), {"type": "notion", "credentials": {"access_token": "t"}}),
        ("GET", path, None),
        ("PATCH", path, {"status": "disconnected"}),
        ("DELETE", path, None),
        ("POST", url(ws), {"type": "bogus"}),
    ]
    for method, target, body in attempts:
        response = await client.request(method, target, json=body, headers=mallory.headers)
        assert response.status_code == 404, (method, target, response.text)
    assert (await client.get(path, headers=owner.headers)).json()["status"] == "connected"


async def test_integration_of_another_workspace_is_not_found_by_id(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    foreign = await connect(client, other, owner)
    for method in ("GET", "DELETE"):
        response = await client.request(method, url(ws, f"/{foreign['id']}"), headers=owner.headers)
        assert response.status_code == 404
    missing = await client.get(url(ws, f"/{uuid.uuid4()}"), headers=owner.headers)
    assert missing.status_code == 404
