"""The token the assistant reads with: 5 minutes, read-only, this workspace and user only."""

import uuid

from httpx import AsyncClient
from jose import jwt

from backend.auth.deps import WorkspaceContext
from backend.chat.service import ASSISTANT_TOKEN_MINUTES, assistant_token
from backend.config import settings
from backend.models import Role
from tests.ai_core.agents.factories import Seeded


def token_for(seeded: Seeded) -> dict[str, str]:
    ctx = WorkspaceContext(uuid.UUID(seeded.a.workspace_id), Role.owner, seeded.owner.id, None)
    return {"Authorization": f"Bearer {assistant_token(ctx)}"}


async def test_it_reads_its_own_workspace(client: AsyncClient, seeded: Seeded) -> None:
    response = await client.get(seeded.a.deals_url, headers=token_for(seeded))

    assert response.status_code == 200
    assert response.json()["total"] == 3


async def test_it_cannot_write(client: AsyncClient, seeded: Seeded) -> None:
    headers = token_for(seeded)

    created = await client.post(seeded.a.deals_url, json={"title": "Sneaky"}, headers=headers)
    deleted = await client.delete(f"{seeded.a.deals_url}/{seeded.globex['id']}", headers=headers)

    assert created.status_code == deleted.status_code == 403
    listed = await client.get(seeded.a.deals_url, headers=headers)
    assert listed.json()["total"] == 3


async def test_it_cannot_read_another_workspace_even_one_the_user_belongs_to(
    client: AsyncClient, seeded: Seeded
) -> None:
    from tests.factories import add_member

    await add_member(client, seeded.b.workspace_id, seeded.b.owner, seeded.owner, "admin")

    response = await client.get(seeded.b.deals_url, headers=token_for(seeded))

    assert response.status_code == 404
    assert (await client.get(seeded.b.deals_url, headers=seeded.owner.headers)).status_code == 200


async def test_it_cannot_use_account_routes(client: AsyncClient, seeded: Seeded) -> None:
    response = await client.get("/api/v1/workspaces", headers=token_for(seeded))

    assert response.status_code == 403


def test_it_expires_after_five_minutes() -> None:
    ctx = WorkspaceContext(uuid.uuid4(), Role.viewer, uuid.uuid4(), None)

    claims = jwt.decode(assistant_token(ctx), settings.jwt_secret, algorithms=["HS256"])

    assert claims["exp"] - claims["iat"] == ASSISTANT_TOKEN_MINUTES * 60 == 300
    assert claims["read_only"] is True
    assert claims["workspace_id"] == str(ctx.workspace_id)
    assert claims["sub"] == str(ctx.user_id)
