"""Factories for test objects, made through the public API so every layer runs."""

import itertools
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from httpx import AsyncClient
from jose import jwt

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@dataclass
class Account:
    id: uuid.UUID
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def make_user(client: AsyncClient, *, name: str = "Ada Seller") -> Account:
    email = f"user{next(_counter)}-{uuid.uuid4().hex[:6]}@example.com"
    created = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert created.status_code == 202, created.text
    tokens = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    return Account(
        # Registration does not say who was created (it answers the same for a taken email).
        id=uuid.UUID(jwt.get_unverified_claims(body["access_token"])["sub"]),
        email=email,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )


async def make_workspace(client: AsyncClient, owner: Account, name: str = "Acme Sales") -> str:
    response = await client.post("/api/v1/workspaces", json={"name": name}, headers=owner.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def add_member(
    client: AsyncClient, workspace_id: str, admin: Account, member: Account, role: str
) -> None:
    """Invite the member's email and accept the link as them: the only way in."""
    invited = await client.post(
        f"/api/v1/workspaces/{workspace_id}/members",
        json={"email": member.email, "role": role},
        headers=admin.headers,
    )
    assert invited.status_code == 202, invited.text
    await accept_invitation(client, member, invited.json()["accept_url"])


def invitation_token(accept_url: str) -> str:
    return parse_qs(urlsplit(accept_url).query)["token"][0]


async def accept_invitation(client: AsyncClient, account: Account, accept_url: str) -> dict:
    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={"token": invitation_token(accept_url)},
        headers=account.headers,
    )
    assert accepted.status_code == 200, accepted.text
    return accepted.json()
