"""A workspace holding one of every kind of object the API addresses by id, made with the
suite's factories, so that the sweeps' path ids resolve to real rows.

Two are made: the one the sweeps act in, and another owner's, whose ids must give 404.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient

from backend import db
from backend.models import Conversation
from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.backend.hubspot.factories import connect as connect_hubspot
from tests.backend.imports.factories import hubspot_csv, hubspot_row, upload
from tests.backend.insights.factories import make_insight, make_run
from tests.backend.notion.factories import connect as connect_notion
from tests.backend.notion.factories import handshake
from tests.factories import Account, add_member, make_user
from tests.fakes.hubspot_api import FakeHubSpot
from tests.fakes.notion_api import FakeNotion

from .openapi_inputs import Ids


@dataclass
class World:
    pipeline: Pipeline
    ids: Ids

    @property
    def owner(self) -> Account:
        return self.pipeline.owner

    @property
    def headers(self) -> dict[str, str]:
        return self.owner.headers


async def _json(client: AsyncClient, method: str, url: str, owner: Account, **kw: Any) -> Any:
    response = await client.request(method, url, headers=owner.headers, **kw)
    assert response.is_success, f"{method} {url}: {response.status_code} {response.text}"
    return response.json() if response.content else None


async def make_world(
    client: AsyncClient, hubspot: FakeHubSpot, notion: FakeNotion, portal_id: int
) -> World:
    pipeline = await make_pipeline(client)
    owner, ws = pipeline.owner, pipeline.workspace_id
    base = f"/api/v1/workspaces/{ws}"
    ids: dict[str, str] = {"workspace_id": ws, "owner_id": str(owner.id)}

    member = await make_user(client, name="Grace Member")
    try:
        await add_member(client, ws, owner, member, "member")
        ids["user_id"] = str(member.id)
    except AssertionError:
        # Membership by invitation only: the owner stands in (still a member's id).
        ids["user_id"] = str(owner.id)

    stage = await _json(
        client, "POST", f"{base}/stages", owner, json={"name": "Sweep", "probability": 40}
    )
    ids["stage_id"] = stage["id"]
    ids["other_stage_id"] = pipeline.stages["lead"]
    stages = await _json(client, "GET", f"{base}/stages", owner)
    ids["stage_ids"] = json.dumps([s["id"] for s in stages])

    deal = await make_deal(client, pipeline)
    ids["deal_id"] = deal["id"]
    activity = await _json(
        client,
        "POST",
        f"{base}/activities",
        owner,
        json={"type": "call", "subject": "Intro call", "deal_id": deal["id"]},
    )
    ids["activity_id"] = activity["id"]
    ids["insight_id"] = await make_insight(ws, deal_id=deal["id"])
    ids["insight_run_id"] = await make_run(ws)
    key = await _json(client, "POST", f"{base}/api-keys", owner, json={"name": "Sweep key"})
    ids["key_id"] = key["id"]

    invited = await client.post(
        f"{base}/members",
        json={"email": f"invitee-{uuid.uuid4().hex[:8]}@example.com", "role": "viewer"},
        headers=owner.headers,
    )
    if invited.is_success and "id" in invited.json():
        ids["invitation_id"] = invited.json()["id"]
    pending = await client.get(f"{base}/invitations", headers=owner.headers)
    if pending.is_success and pending.json():
        ids["invitation_id"] = pending.json()[0]["id"]

    async with db.session_factory()() as session:
        conversation = Conversation(
            workspace_id=uuid.UUID(ws), user_id=owner.id, title="Pipeline questions"
        )
        session.add(conversation)
        await session.commit()
        ids["conversation_id"] = str(conversation.id)

    csv = hubspot_csv([hubspot_row(1)])
    started = await upload(client, ws, owner, csv)
    assert started.status_code == 202, started.text
    ids["import_id"] = started.json()["id"]

    hubspot.portal_id = portal_id
    connected = await connect_hubspot(client, hubspot, pipeline)
    assert connected.response.is_success, connected.response.text
    runs = await _json(client, "GET", f"{base}/integrations/hubspot/sync-runs", owner)
    if runs["items"]:
        ids["hubspot_run_id"] = runs["items"][0]["id"]
    integrations = await _json(client, "GET", f"{base}/integrations", owner)
    ids["integration_id"] = next(i["id"] for i in integrations if i["type"] == "hubspot")

    notion_connected = await connect_notion(client, notion, pipeline=pipeline, notes=False)
    ids["notion_integration_id"] = notion_connected.integration_id
    ids["deals_database_id"] = notion_connected.deals_db
    # Notion's handshake leaves a verification token for an admin to confirm.
    shaken = await handshake(client, notion_connected)
    assert shaken.is_success, shaken.text
    connection = await _json(client, "GET", f"{base}/integrations/notion/connection", owner)
    if connection.get("webhook_url"):
        ids["path_key"] = connection["webhook_url"].rstrip("/").rsplit("/", 1)[-1]
    notion_runs = await _json(client, "GET", f"{base}/integrations/notion/sync-runs", owner)
    items = notion_runs["items"] if isinstance(notion_runs, dict) else notion_runs
    if items:
        ids["notion_run_id"] = items[0]["id"]
    return World(pipeline, Ids(ids, csv=csv))
