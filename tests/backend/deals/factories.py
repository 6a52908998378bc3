"""A workspace with its default pipeline, and deals made through the API."""

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient

from tests.factories import Account, make_user, make_workspace


@dataclass
class Pipeline:
    owner: Account
    workspace_id: str
    # Lower-cased stage name -> stage id.
    stages: dict[str, str]

    @property
    def deals_url(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/deals"

    @property
    def stages_url(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/stages"


async def make_pipeline(client: AsyncClient, owner: Account | None = None) -> Pipeline:
    owner = owner or await make_user(client)
    workspace_id = await make_workspace(client, owner)
    listed = await client.get(f"/api/v1/workspaces/{workspace_id}/stages", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    return Pipeline(owner, workspace_id, {s["name"].lower(): s["id"] for s in listed.json()})


async def make_deal(
    client: AsyncClient, pipeline: Pipeline, *, as_: Account | None = None, **fields: Any
) -> dict[str, Any]:
    body = {"title": "Globex renewal", "amount": "12000.00", **fields}
    headers = (as_ or pipeline.owner).headers
    response = await client.post(pipeline.deals_url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
