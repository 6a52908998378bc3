"""Invitation helpers: invite through the public API, register and sign in, accept links."""

import uuid
from typing import Any

from httpx import AsyncClient, Response

from tests.factories import PASSWORD, Account, invitation_token


def stranger_email() -> str:
    return f"newcomer-{uuid.uuid4().hex[:8]}@example.com"


async def invite(
    client: AsyncClient, workspace_id: str, admin: Account, email: str, role: str = "member"
) -> Response:
    return await client.post(
        f"/api/v1/workspaces/{workspace_id}/members",
        json={"email": email, "role": role},
        headers=admin.headers,
    )


async def register_and_sign_in(client: AsyncClient, email: str) -> dict[str, str]:
    """Register `email` and return the new account's auth headers."""
    created = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Newcomer"}
    )
    assert created.status_code == 202, created.text
    return await sign_in(client, email)


async def sign_in(client: AsyncClient, email: str) -> dict[str, str]:
    tokens = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


async def pending(client: AsyncClient, workspace_id: str, account: Account) -> list[dict[str, Any]]:
    listed = await client.get(
        f"/api/v1/workspaces/{workspace_id}/invitations", headers=account.headers
    )
    assert listed.status_code == 200, listed.text
    return listed.json()


async def pending_emails(client: AsyncClient, workspace_id: str, account: Account) -> list[str]:
    return [i["email"] for i in await pending(client, workspace_id, account)]


def token_of(invited: Response) -> str:
    """The secret of the link an admin is shown for an invitation they just made."""
    assert invited.status_code == 202, invited.text
    return invitation_token(invited.json()["accept_url"])


async def accept(client: AsyncClient, headers: dict[str, str], token: str) -> Response:
    return await client.post("/api/v1/invitations/accept", json={"token": token}, headers=headers)


async def workspace_roles(client: AsyncClient, headers: dict[str, str]) -> set[tuple[str, str]]:
    listed = await client.get("/api/v1/workspaces", headers=headers)
    assert listed.status_code == 200, listed.text
    return {(w["id"], w["role"]) for w in listed.json()}
