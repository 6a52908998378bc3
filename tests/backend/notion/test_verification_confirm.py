"""Notion's own flow: the handshake's token is shown to an admin, who confirms the exact
token pasted into Notion; until then no event is accepted. The URL cannot be guessed."""

from httpx import AsyncClient
from sqlalchemy import Engine

from tests.backend.notion.factories import (
    DOCS_TOKEN,
    EVENTS,
    confirm,
    connect,
    deliver,
    events,
    handshake,
    verify,
)
from tests.factories import add_member, make_user
from tests.fakes.notion_api import FakeNotion

STRANGER_TOKEN = "secret_posted_by_a_stranger_0000000000"
BODY = (EVENTS / "page_created.json").read_bytes()


async def test_a_strangers_handshake_does_nothing_until_an_admin_confirms_that_token(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)

    first = await handshake(client, connected, STRANGER_TOKEN)
    unconfirmed = await deliver(client, connected, BODY, token=STRANGER_TOKEN)

    assert first.status_code == 200
    # Not a 2xx, so Notion keeps the event for a retry instead of counting it delivered.
    assert unconfirmed.status_code == 401
    assert unconfirmed.json()["error"]["code"] == "verification_unconfirmed"
    assert events(sync_engine) == []


async def test_confirming_needs_exactly_the_pending_token(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await handshake(client, connected)

    wrong = await confirm(client, connected, "secret_something_else")
    still_refused = await deliver(client, connected, BODY)
    right = await confirm(client, connected, DOCS_TOKEN)
    accepted = await deliver(client, connected, BODY)

    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"][0]["field"] == "body.verification_token"
    assert still_refused.status_code == 401
    assert right.status_code == 200
    assert (right.json()["confirmed"], right.json()["verification_token"]) == (True, None)
    assert accepted.status_code == 200 and accepted.json() == {"status": "accepted"}
    assert len(events(sync_engine)) == 1


async def test_confirming_without_a_handshake_is_a_conflict(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)

    response = await confirm(client, connected)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_pending_verification"


async def test_only_admins_confirm(client: AsyncClient, fake_notion: FakeNotion) -> None:
    connected = await connect(client, fake_notion)
    await handshake(client, connected)
    member = await make_user(client)
    await add_member(client, connected.workspace_id, connected.pipeline.owner, member, "member")

    response = await client.post(
        f"{connected.url}/verification-token/confirm",
        json={"verification_token": DOCS_TOKEN},
        headers=member.headers,
    )

    assert response.status_code == 403
    assert (await deliver(client, connected, BODY)).status_code == 401


async def test_a_new_handshake_waits_for_its_own_confirmation(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    await verify(client, connected)
    renewed = "secret_new_subscription_token_000000"

    await handshake(client, connected, renewed)
    old_key = await deliver(client, connected, BODY)
    new_key_early = await deliver(client, connected, BODY, token=renewed)
    shown = await client.get(f"{connected.url}/verification-token", headers=connected.headers)
    await confirm(client, connected, renewed)
    old_key_after = await deliver(client, connected, BODY)
    new_key = await deliver(client, connected, BODY, token=renewed)

    assert (old_key.status_code, new_key_early.status_code) == (200, 401)
    assert (shown.json()["verification_token"], shown.json()["confirmed"]) == (renewed, True)
    assert (old_key_after.status_code, new_key.status_code) == (401, 200)


async def test_the_webhook_url_needs_its_secret_segment(
    client: AsyncClient, fake_notion: FakeNotion, sync_engine: Engine
) -> None:
    connected = await connect(client, fake_notion)
    base = f"/api/v1/webhooks/notion/{connected.integration_id}"
    key = connected.webhook.rsplit("/", 1)[1]
    token = {"verification_token": STRANGER_TOKEN}

    by_id_alone = await client.post(base, json=token)
    wrong_key = await client.post(f"{base}/{key[:-1]}x", json=token)
    odd_key = await client.post(f"{base}/%C3%A9t%C3%A9", json=token)
    shown = await client.get(f"{connected.url}/verification-token", headers=connected.headers)

    assert len(key) >= 40
    assert [r.status_code for r in (by_id_alone, wrong_key, odd_key)] == [404, 404, 404]
    assert shown.json()["verification_token"] is None


async def test_admins_see_the_full_webhook_url_and_others_do_not(
    client: AsyncClient, fake_notion: FakeNotion
) -> None:
    connected = await connect(client, fake_notion)
    viewer = await make_user(client)
    await add_member(client, connected.workspace_id, connected.pipeline.owner, viewer, "viewer")

    admin_view = await client.get(f"{connected.url}/connection", headers=connected.headers)
    viewer_view = await client.get(f"{connected.url}/connection", headers=viewer.headers)

    assert admin_view.json()["webhook_url"] == connected.webhook_url
    assert viewer_view.status_code == 200
    assert viewer_view.json()["webhook_url"] is None
    assert connected.webhook.rsplit("/", 1)[1] not in viewer_view.text
