"""Without a mail server, the link is logged and shown to the workspace's admins only."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.config import settings
from tests.backend.invitations.conftest import (
    accept,
    invite,
    pending,
    register_and_sign_in,
    stranger_email,
    token_of,
)
from tests.factories import add_member, invitation_token, make_user, make_workspace


@pytest.fixture(autouse=True)
def no_mail_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "smtp_host", "")


async def test_the_admin_is_shown_the_link_to_pass_on_and_it_works(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    invited = await invite(client, ws, owner, email, "member")

    body = invited.json()
    assert body["mail_status"] == "unsent"
    assert body["mailed_at"] is None
    assert body["expired"] is False
    assert body["accept_url"].startswith(
        f"{settings.public_frontend_url}/invitations/accept?token="
    )
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)
    [listed] = await pending(client, ws, owner)
    assert listed["accept_url"] == body["accept_url"]

    headers = await register_and_sign_in(client, email)
    assert (
        await accept(client, headers, invitation_token(listed["accept_url"]))
    ).status_code == 200


async def test_the_link_is_written_to_the_log(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    with caplog.at_level(logging.WARNING, logger="backend.invitations"):
        invited = await invite(client, ws, owner, stranger_email())
    assert invited.json()["accept_url"] in caplog.text
    assert "invitation_link_not_mailed" in caplog.text


async def test_viewers_and_members_see_invitations_but_not_their_links(
    client: AsyncClient,
) -> None:
    owner, admin, viewer, member = [await make_user(client) for _ in range(4)]
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, admin, "admin")
    await add_member(client, ws, owner, viewer, "viewer")
    await add_member(client, ws, owner, member, "member")
    email = stranger_email()
    await invite(client, ws, owner, email)

    [seen_by_admin] = await pending(client, ws, admin)
    assert seen_by_admin["accept_url"]
    for account in (viewer, member):
        [seen] = await pending(client, ws, account)
        assert seen["email"] == email
        assert seen["accept_url"] is None


async def test_an_expired_invitation_is_listed_without_a_link_until_invited_again(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    stale = token_of(await invite(client, ws, owner, email))
    with sync_engine.begin() as conn:
        conn.execute(
            text("update workspace_invitation set expires_at = now() - interval '1 minute'")
        )
    [listed] = await pending(client, ws, owner)
    assert listed["expired"] is True
    assert listed["accept_url"] is None

    fresh = await invite(client, ws, owner, email)
    assert fresh.json()["expired"] is False
    headers = await register_and_sign_in(client, email)
    assert (await accept(client, headers, stale)).status_code == 404
    assert (await accept(client, headers, token_of(fresh))).status_code == 200


async def test_only_the_hash_of_the_link_is_stored_in_clear(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    token = token_of(await invite(client, ws, owner, stranger_email()))
    with sync_engine.connect() as conn:
        row = conn.execute(text("select * from workspace_invitation")).mappings().one()
    assert not any(token in str(value) for value in row.values())
