"""A workspace filled with the demo data, the dashboard's natural input."""

from dataclasses import dataclass

import pytest
from httpx import AsyncClient

from tests.factories import Account, make_user, make_workspace


@dataclass(frozen=True)
class DemoWorkspace:
    id: str
    owner: Account

    @property
    def base(self) -> str:
        return f"/api/v1/workspaces/{self.id}"


@pytest.fixture
async def demo(client: AsyncClient) -> DemoWorkspace:
    owner = await make_user(client, name="Dana Leader")
    ws = await make_workspace(client, owner)
    loaded = await client.post(f"/api/v1/workspaces/{ws}/demo-data", headers=owner.headers)
    assert loaded.status_code == 201, loaded.text
    return DemoWorkspace(id=ws, owner=owner)
