"""Registering with an invited email lands the new account in the inviting workspaces."""

from httpx import AsyncClient
from sqlalchemy import Engine, text

from tests.backend.invitations.conftest import (
    invite,
    pending_emails,
    register_and_sign_in,
    stranger_email,
)
from tests.factories import PASSWORD, add_member, make_user, make_workspace


async def test_registering_joins_every_inviting_workspace_with_its_role(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    email = stranger_email()
    await invite(client, ws, owner, email, "admin")
    await invite(client, other, owner, email, "viewer")

    headers = await register_and_sign_in(client, email)

    workspaces = await client.get("/api/v1/workspaces", headers=headers)
    assert {(w["id"], w["role"]) for w in workspaces.json()} == {(ws, "admin"), (other, "viewer")}
    members = await client.get(f"/api/v1/workspaces/{ws}/members", headers=owner.headers)
    assert {m["email"]: m["role"] for m in members.json()}[email] == "admin"


async def test_accepted_invitations_are_no_longer_pending(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    await invite(client, ws, owner, email)
    await register_and_sign_in(client, email)
    assert await pending_emails(client, ws, owner) == []
    again = await invite(client, ws, owner, email)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_member"


async def test_the_invited_email_matches_whatever_its_case(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    await invite(client, ws, owner, email.upper(), "viewer")

    headers = await register_and_sign_in(client, email.capitalize())

    workspaces = await client.get("/api/v1/workspaces", headers=headers)
    assert [(w["id"], w["role"]) for w in workspaces.json()] == [(ws, "viewer")]


async def test_a_revoked_invitation_does_not_join(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    invited = await invite(client, ws, owner, email, "admin")
    revoked = await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{invited.json()['id']}", headers=owner.headers
    )
    assert revoked.status_code == 204

    headers = await register_and_sign_in(client, email)

    assert (await client.get("/api/v1/workspaces", headers=headers)).json() == []
    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=headers)).status_code == 404


async def test_registering_another_email_joins_nothing(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    invited = stranger_email()
    await invite(client, ws, owner, invited)

    headers = await register_and_sign_in(client, stranger_email())

    assert (await client.get("/api/v1/workspaces", headers=headers)).json() == []
    assert await pending_emails(client, ws, owner) == [invited]


def pending_invitation(engine: Engine, workspace_id: str, email: str, role: str) -> None:
    """An invitation as left by the race the API cannot prevent: sent while they registered."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into workspace_invitation (id, workspace_id, email, role) "
                "values (gen_random_uuid(), :ws, :email, :role)"
            ),
            {"ws": workspace_id, "email": email, "role": role},
        )


async def sign_in(client: AsyncClient, email: str) -> dict[str, str]:
    tokens = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


async def test_an_invitation_missed_at_registration_is_accepted_at_the_next_sign_in(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    pending_invitation(sync_engine, ws, invitee.email, "viewer")

    headers = await sign_in(client, invitee.email)

    workspaces = await client.get("/api/v1/workspaces", headers=headers)
    assert [(w["id"], w["role"]) for w in workspaces.json()] == [(ws, "viewer")]
    assert await pending_emails(client, ws, owner) == []


async def test_signing_in_keeps_the_role_of_a_workspace_joined_meanwhile(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, invitee, "admin")
    pending_invitation(sync_engine, ws, invitee.email, "viewer")

    headers = await sign_in(client, invitee.email)

    workspaces = await client.get("/api/v1/workspaces", headers=headers)
    assert [(w["id"], w["role"]) for w in workspaces.json()] == [(ws, "admin")]
    assert await pending_emails(client, ws, owner) == []
