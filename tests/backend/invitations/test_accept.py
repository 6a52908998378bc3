"""POST /api/v1/invitations/accept: the link and the invited email's account, both needed."""

import hashlib
import uuid

from httpx import AsyncClient
from sqlalchemy import Engine, text

from tests.backend.invitations.conftest import (
    accept,
    invite,
    pending_emails,
    register_and_sign_in,
    stranger_email,
    token_of,
    workspace_roles,
)
from tests.factories import make_user, make_workspace


async def test_accepting_joins_with_the_invited_role_and_answers_the_workspace(
    client: AsyncClient,
) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner, "Northwind")
    token = token_of(await invite(client, ws, owner, invitee.email, "admin"))

    accepted = await accept(client, invitee.headers, token)

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["id"] == ws
    assert accepted.json()["name"] == "Northwind"
    assert accepted.json()["role"] == "admin"
    assert await workspace_roles(client, invitee.headers) == {(ws, "admin")}
    assert await pending_emails(client, ws, owner) == []


async def _refusals(client: AsyncClient, sync_engine: Engine) -> list[tuple[str, tuple[int, dict]]]:
    """One refused accept per reason, each from an account that could otherwise accept."""
    owner, invitee, someone_else = [await make_user(client) for _ in range(3)]
    ws = await make_workspace(client, owner)
    wrong_email = token_of(await invite(client, ws, owner, invitee.email))
    used = token_of(await invite(client, ws, owner, stranger_email()))
    used_by = await register_and_sign_in(client, _email_of(sync_engine, used))
    assert (await accept(client, used_by, used)).status_code == 200
    expired_email = stranger_email()
    expired = token_of(await invite(client, ws, owner, expired_email))
    with sync_engine.begin() as conn:
        conn.execute(
            text(
                "update workspace_invitation set expires_at = now() - interval '1 second' "
                "where email = :email"
            ),
            {"email": expired_email},
        )
    expired_by = await register_and_sign_in(client, expired_email)
    revoked_email = stranger_email()
    revoked_invite = await invite(client, ws, owner, revoked_email)
    await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{revoked_invite.json()['id']}",
        headers=owner.headers,
    )
    revoked_by = await register_and_sign_in(client, revoked_email)
    attempts = [
        ("wrong email", await accept(client, someone_else.headers, wrong_email)),
        ("used", await accept(client, used_by, used)),
        ("expired", await accept(client, expired_by, expired)),
        ("revoked", await accept(client, revoked_by, token_of(revoked_invite))),
        ("unknown", await accept(client, invitee.headers, uuid.uuid4().hex)),
    ]
    assert await workspace_roles(client, someone_else.headers) == set()
    assert await workspace_roles(client, expired_by) == set()
    return [(reason, (r.status_code, r.json())) for reason, r in attempts]


def _email_of(engine: Engine, token: str) -> str:
    with engine.connect() as conn:
        return conn.scalar(
            text("select email from workspace_invitation where token_hash = :h"),
            {"h": hashlib.sha256(token.encode()).hexdigest()},
        )


async def test_every_refusal_is_the_same_404_that_names_no_workspace(
    client: AsyncClient, sync_engine: Engine
) -> None:
    refusals = await _refusals(client, sync_engine)
    assert len({repr(answer) for _, answer in refusals}) == 1, refusals
    status, body = refusals[0][1]
    assert status == 404
    assert body["error"]["code"] == "invitation_not_found"
    assert "workspace_id" not in repr(body)


async def test_a_wrong_email_leaves_the_invitation_for_its_owner(client: AsyncClient) -> None:
    owner, invitee, intruder = [await make_user(client) for _ in range(3)]
    ws = await make_workspace(client, owner)
    token = token_of(await invite(client, ws, owner, invitee.email, "viewer"))

    assert (await accept(client, intruder.headers, token)).status_code == 404
    assert (await accept(client, invitee.headers, token)).status_code == 200
    assert await workspace_roles(client, invitee.headers) == {(ws, "viewer")}


async def test_a_member_who_accepts_keeps_their_current_role(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    token = token_of(await invite(client, ws, owner, invitee.email, "viewer"))
    # A membership that came about meanwhile (only a race could do it through the API).
    with sync_engine.begin() as conn:
        conn.execute(
            text(
                "insert into workspace_member (workspace_id, user_id, role) "
                "values (:ws, :user, 'admin')"
            ),
            {"ws": ws, "user": str(invitee.id)},
        )

    accepted = await accept(client, invitee.headers, token)

    assert accepted.status_code == 200
    assert accepted.json()["role"] == "admin"
    assert await workspace_roles(client, invitee.headers) == {(ws, "admin")}


async def test_re_inviting_sends_a_new_link_and_the_old_one_stops_working(
    client: AsyncClient,
) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    first = await invite(client, ws, owner, invitee.email, "viewer")
    second = await invite(client, ws, owner, invitee.email, "admin")
    assert second.json()["id"] == first.json()["id"]
    assert token_of(second) != token_of(first)

    assert (await accept(client, invitee.headers, token_of(first))).status_code == 404
    assert (await accept(client, invitee.headers, token_of(second))).status_code == 200
    assert await workspace_roles(client, invitee.headers) == {(ws, "admin")}


async def test_an_api_key_cannot_accept_an_invitation(client: AsyncClient) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    token = token_of(await invite(client, ws, owner, invitee.email))
    other = await make_workspace(client, invitee, "Theirs")
    key = await client.post(
        f"/api/v1/workspaces/{other}/api-keys",
        json={"name": "k", "role": "admin"},
        headers=invitee.headers,
    )
    assert key.status_code == 201, key.text
    refused = await accept(client, {"Authorization": f"Bearer {key.json()['secret']}"}, token)
    assert refused.status_code == 403
    assert await pending_emails(client, ws, owner) == [invitee.email]


async def test_accepting_needs_a_signed_in_user(client: AsyncClient) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    token = token_of(await invite(client, ws, owner, invitee.email))
    assert (await accept(client, {}, token)).status_code == 401
    assert await pending_emails(client, ws, owner) == [invitee.email]
