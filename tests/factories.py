"""Factories for test objects, made through the public API so every layer runs."""

import itertools
import uuid
from dataclasses import dataclass

from httpx import AsyncClient

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
    assert created.status_code == 201, created.text
    tokens = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    return Account(
        id=uuid.UUID(created.json()["id"]),
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
    response = await client.post(
        f"/api/v1/workspaces/{workspace_id}/members",
        json={"email": member.email, "role": role},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
