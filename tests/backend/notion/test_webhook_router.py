"""POST /api/v1/webhooks/notion/{integration_id}/{key}: handshake, signature, dedupe, queueing."""

import json
import uuid

from httpx import AsyncClient
from sqlalchemy import Engine

from backend.integrations import crypto
from tests.backend.notion.factories import (
    DATA,
    DOCS_TOKEN,
    EVENTS,
    connect,
    deliver,
    events,
    handshake,
    rows,
    verify,
)
from tests.factories import add_member, make_user
from tests.fakes.notion_api import FakeNotion

VECTORS = {v["id"]: v for v in json.loads((DATA / "signature_vectors.json").read_text())["vectors"]}


def notion_jobs(engine: Engine) -> list[str]:
    return [
        r.task_name
        for r in rows(engine, "select task_name from procrastinate_jobs")
        if r.task_name == "notion.process_events"
    ]


async def test_the_handshake_stores_the_token_encrypted(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    body = (DATA / "verification_handshake.json").read_bytes()

    response = await client.post(connected.webhook, content=body)

    assert response.status_code == 200, response.text
    [row] = rows(sync_engine, "select credentials_encrypted, config::text from integration")
    assert DOCS_TOKEN not in row.credentials_encrypted and DOCS_TOKEN not in row.config
    assert crypto.decrypt(row.credentials_encrypted)["pending_verification_token"] == DOCS_TOKEN
    assert response.json() == {"status": "verification_pending"}


async def test_the_owner_reads_the_verification_token_to_paste_into_notion(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    before = await client.get(f"{connected.url}/verification-token", headers=connected.headers)
    await handshake(client, connected)

    after = await client.get(f"{connected.url}/verification-token", headers=connected.headers)
    connection = await client.get(f"{connected.url}/connection", headers=connected.headers)

    assert before.json()["verification_token"] is None
    assert after.json()["verification_token"] == DOCS_TOKEN
    assert after.json()["received_at"] is not None
    assert after.json()["confirmed"] is False
    assert connection.json()["verification_pending"] is True
    assert connection.json()["webhook_verified"] is False
    assert DOCS_TOKEN not in connection.text


async def test_members_cannot_read_the_verification_token(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    await handshake(client, connected)
    member = await make_user(client)
    await add_member(client, connected.workspace_id, connected.pipeline.owner, member, "member")

    response = await client.get(f"{connected.url}/verification-token", headers=member.headers)

    assert response.status_code == 403
    assert DOCS_TOKEN not in response.text


async def test_a_later_handshake_cannot_replace_the_confirmed_signing_token(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    body = (EVENTS / "page_created.json").read_bytes()

    again = await handshake(client, connected)
    hijack = await handshake(client, connected, token="secret_attacker")
    forged = await deliver(client, connected, body, token="secret_attacker")
    genuine = await deliver(client, connected, body)

    assert (again.json(), hijack.json()) == (
        {"status": "verified"},
        {"status": "verification_pending"},
    )
    assert (forged.status_code, genuine.status_code) == (401, 200)
    [row] = rows(sync_engine, "select credentials_encrypted from integration")
    secrets = crypto.decrypt(row.credentials_encrypted)
    assert secrets["confirmed_verification_token"] == DOCS_TOKEN
    # The stranger's token only waits to be shown to an admin, who would not confirm it.
    assert secrets["pending_verification_token"] == "secret_attacker"


async def test_after_a_reset_a_new_subscription_can_be_verified(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    await handshake(client, connected)

    reset = await client.delete(f"{connected.url}/verification-token", headers=connected.headers)
    renewed = await handshake(client, connected, token="secret_new_subscription_token")
    shown = await client.get(f"{connected.url}/verification-token", headers=connected.headers)

    assert (reset.status_code, renewed.status_code) == (204, 200)
    assert shown.json()["verification_token"] == "secret_new_subscription_token"


async def test_the_docs_event_signed_as_in_the_vectors_is_accepted_and_queued(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    vector = VECTORS["computed-page.properties_updated-minified"]

    response = await deliver(
        client, connected, vector["raw_body"].encode(), signature=vector["expected_header"]
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "accepted"}
    assert [(e.status, e.event_id) for e in events(sync_engine)] == [
        ("received", "1782edd6-a853-4d4a-b02c-9c8c16f28e53")
    ]
    assert notion_jobs(sync_engine) == ["notion.process_events"]


async def test_the_signature_covers_the_raw_bytes_as_sent(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    vector = VECTORS["computed-page.properties_updated-pretty-file-bytes"]
    pretty = (DATA / vector["raw_body_file"]).read_bytes()
    minified = VECTORS["computed-page.properties_updated-minified"]

    accepted = await deliver(client, connected, pretty, signature=vector["expected_header"])
    # The same JSON re-serialized is other bytes: its signature does not carry over.
    refused = await deliver(
        client, connected, minified["raw_body"].encode(), signature=vector["expected_header"]
    )

    assert accepted.status_code == 200
    assert refused.status_code == 401


async def test_a_bad_or_missing_signature_is_401_and_stores_nothing(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    body = (EVENTS / "page_created.json").read_bytes()

    wrong_key = await deliver(client, connected, body, token="secret_other")
    missing = await client.post(connected.webhook, content=body)

    assert [r.status_code for r in (wrong_key, missing)] == [401, 401]
    assert events(sync_engine) == []
    assert wrong_key.json()["error"]["code"] == "invalid_signature"


async def test_a_tampered_body_fails_its_original_signature(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    vector = VECTORS["computed-page.properties_updated-minified"]
    tampered = vector["raw_body"].replace("Quantify Labs", "Quantify Lab$").encode()

    response = await deliver(client, connected, tampered, signature=vector["expected_header"])

    assert response.status_code == 401
    assert events(sync_engine) == []


async def test_events_before_the_handshake_are_refused(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)

    response = await deliver(client, connected, (EVENTS / "page_created.json").read_bytes())

    assert response.status_code == 401
    assert events(sync_engine) == []


async def test_a_redelivered_event_is_stored_and_queued_once(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    body = (EVENTS / "page_created.json").read_bytes()

    answers = [(await deliver(client, connected, body)).json()["status"] for _ in range(3)]

    assert answers == ["accepted", "duplicate", "duplicate"]
    assert len(events(sync_engine)) == 1
    assert notion_jobs(sync_engine) == ["notion.process_events"]


async def test_an_unknown_integration_is_404(client: AsyncClient) -> None:
    body = (DATA / "verification_handshake.json").read_bytes()

    unknown = await client.post(f"/api/v1/webhooks/notion/{uuid.uuid4()}/key", content=body)
    not_an_id = await client.post("/api/v1/webhooks/notion/not-a-uuid/key", content=body)

    assert (unknown.status_code, not_an_id.status_code) == (404, 404)


async def test_malformed_bodies_are_400(client: AsyncClient, fake_notion: FakeNotion) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    no_entity = {**json.loads((EVENTS / "page_created.json").read_text()), "entity": None}

    not_json = await client.post(connected.webhook, content=b"{not json")
    an_array = await client.post(connected.webhook, content=b"[]")
    signed_but_incomplete = await deliver(client, connected, no_entity)
    empty_token = await client.post(connected.webhook, json={"verification_token": ""})

    assert [r.status_code for r in (not_json, an_array, signed_but_incomplete, empty_token)] == [
        400,
        400,
        400,
        400,
    ]


async def test_one_workspaces_token_cannot_sign_for_another(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    ours = await connect(client, fake_notion)
    theirs = await connect(client, fake_notion)
    await verify(client, ours)
    await verify(client, theirs, token="secret_their_own_token_0123456789")
    body = (EVENTS / "page_created.json").read_bytes()

    # Signed with our token, sent to their URL.
    response = await deliver(client, theirs, body, token=DOCS_TOKEN)

    assert response.status_code == 401
    assert events(sync_engine) == []
