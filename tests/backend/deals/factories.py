"""A workspace with its default pipeline, deals made and moved through the API, and stage
history written straight into the table."""

import uuid
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient
from sqlalchemy import Engine, text

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


async def move(client: AsyncClient, pipeline: Pipeline, deal_id: str, stage: str) -> None:
    response = await client.patch(
        f"{pipeline.deals_url}/{deal_id}",
        json={"stage_id": pipeline.stages[stage]},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text


def insert_changes(engine: Engine, pipeline: Pipeline, deal_id: str, path: list[tuple]) -> None:
    """Stage changes written straight into the table, as bulk loads and syncs may do."""
    with engine.begin() as conn:
        for from_stage, to_stage, at in path:
            conn.execute(
                text(
                    "insert into deal_stage_change (id, workspace_id, deal_id, from_stage_id,"
                    " to_stage_id, changed_at, source)"
                    " values (:id, :ws, :deal, :from_stage, :to_stage, :at, 'import')"
                ),
                {
                    "id": uuid.uuid4(),
                    "ws": pipeline.workspace_id,
                    "deal": deal_id,
                    "from_stage": pipeline.stages[from_stage] if from_stage else None,
                    "to_stage": pipeline.stages[to_stage],
                    "at": at,
                },
            )
