"""Invitation helpers: invite through the public API, register the invited email."""

import uuid

from httpx import AsyncClient, Response

from tests.factories import PASSWORD, Account


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
    assert created.status_code == 201, created.text
    tokens = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


async def pending_emails(client: AsyncClient, workspace_id: str, account: Account) -> list[str]:
    listed = await client.get(
        f"/api/v1/workspaces/{workspace_id}/invitations", headers=account.headers
    )
    assert listed.status_code == 200, listed.text
    return [i["email"] for i in listed.json()]
