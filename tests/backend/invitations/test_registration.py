"""Registering or signing in with an invited email joins nothing: only the link does."""

from httpx import AsyncClient

from tests.backend.invitations.conftest import (
    accept,
    invite,
    pending_emails,
    register_and_sign_in,
    sign_in,
    stranger_email,
    token_of,
    workspace_roles,
)
from tests.factories import make_user, make_workspace


async def test_registering_an_invited_email_does_not_join_the_workspace(
    client: AsyncClient,
) -> None:
    # Whoever registers an email first is not thereby its owner: they have no link.
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    assert (await invite(client, ws, owner, email, "admin")).status_code == 202

    squatter = await register_and_sign_in(client, email)

    assert await workspace_roles(client, squatter) == set()
    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=squatter)).status_code == 404
    assert await pending_emails(client, ws, owner) == [email]


async def test_signing_in_does_not_accept_a_pending_invitation(client: AsyncClient) -> None:
    owner, invitee = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    assert (await invite(client, ws, owner, invitee.email, "admin")).status_code == 202

    headers = await sign_in(client, invitee.email)

    assert await workspace_roles(client, headers) == set()
    assert await pending_emails(client, ws, owner) == [invitee.email]


async def test_a_newcomer_registers_then_accepts_every_inviting_workspace_with_its_role(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    email = stranger_email()
    first = token_of(await invite(client, ws, owner, email, "admin"))
    second = token_of(await invite(client, other, owner, email, "viewer"))

    headers = await register_and_sign_in(client, email)
    assert (await accept(client, headers, first)).status_code == 200
    assert (await accept(client, headers, second)).status_code == 200

    assert await workspace_roles(client, headers) == {(ws, "admin"), (other, "viewer")}
    assert await pending_emails(client, ws, owner) == []
    members = await client.get(f"/api/v1/workspaces/{ws}/members", headers=owner.headers)
    assert {m["email"]: m["role"] for m in members.json()}[email] == "admin"


async def test_the_invited_email_matches_whatever_its_case(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    token = token_of(await invite(client, ws, owner, email.upper(), "viewer"))

    headers = await register_and_sign_in(client, email.capitalize())

    assert (await accept(client, headers, token)).status_code == 200
    assert await workspace_roles(client, headers) == {(ws, "viewer")}


async def test_a_revoked_invitation_cannot_be_accepted(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    invited = await invite(client, ws, owner, email, "admin")
    revoked = await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{invited.json()['id']}", headers=owner.headers
    )
    assert revoked.status_code == 204

    headers = await register_and_sign_in(client, email)

    assert (await accept(client, headers, token_of(invited))).status_code == 404
    assert await workspace_roles(client, headers) == set()
