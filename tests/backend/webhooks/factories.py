"""Signed HubSpot deliveries, a workspace connected to a portal, and the worker."""

import json
import time
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import Engine, text

from backend.webhooks.hubspot_signature import expected_signature
from tests.backend.deals.factories import Pipeline, make_pipeline

CLIENT_SECRET = "test-hubspot-client-secret-0123456789"
BASE_URL = "https://crm.example.com"
WEBHOOK_PATH = "/api/v1/webhooks/hubspot"
PORTAL_ID = 62515
# HubSpot stage id -> our default stage name.
STAGE_IDS = {
    "appointmentscheduled": "lead",
    "qualifiedtobuy": "qualified",
    "closedwon": "won",
    "closedlost": "lost",
}


@dataclass
class Connected:
    pipeline: Pipeline
    integration_id: str

    @property
    def workspace_id(self) -> str:
        return self.pipeline.workspace_id


def signed_headers(
    body: bytes,
    *,
    uri: str | None = None,
    timestamp_ms: int | None = None,
    secret: str = CLIENT_SECRET,
) -> dict[str, str]:
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    signature = expected_signature(
        version="v3",
        client_secret=secret,
        method="POST",
        uri=uri or BASE_URL + WEBHOOK_PATH,
        body=body,
        timestamp=timestamp,
    )
    return {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": signature,
        "X-HubSpot-Signature-Version": "v3",
        "X-HubSpot-Request-Timestamp": timestamp,
    }


async def deliver(client: AsyncClient, events: list[dict[str, Any]] | bytes) -> Response:
    body = events if isinstance(events, bytes) else json.dumps(events).encode()
    return await client.post(WEBHOOK_PATH, content=body, headers=signed_headers(body))


async def connect_hubspot(
    client: AsyncClient, engine: Engine, *, portal_id: int = PORTAL_ID, **config: Any
) -> Connected:
    """A workspace with its default stages mapped to HubSpot's, connected to `portal_id`.

    The portal is written as the connect flows write it once HubSpot named it (these tests
    are about deliveries; tests/backend/hubspot covers connecting with the fake HubSpot).
    """
    pipeline = await make_pipeline(client)
    created = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations",
        json={
            "type": "hubspot",
            "config": config,
            "credentials": {"access_token": "pat-na1-0000"},
        },
        headers=pipeline.owner.headers,
    )
    assert created.status_code == 201, created.text
    with engine.begin() as conn:
        conn.execute(
            text("update integration set hubspot_portal_id = :p where id = :id"),
            {"p": portal_id, "id": created.json()["id"]},
        )
        for hubspot_id, name in STAGE_IDS.items():
            conn.execute(
                text("update pipeline_stage set external_id = :e where id = :id"),
                {"e": hubspot_id, "id": pipeline.stages[name]},
            )
    return Connected(pipeline, created.json()["id"])


def event(
    kind: str, object_id: int, occurred_at: int, *, portal_id: int = PORTAL_ID, **fields: Any
) -> dict[str, Any]:
    return {
        "eventId": 100,  # HubSpot does not keep it unique; nothing may rely on it
        "subscriptionId": 2345,
        "portalId": portal_id,
        "appId": 54321,
        "occurredAt": occurred_at,
        "subscriptionType": kind,
        "attemptNumber": 0,
        "objectId": object_id,
        "changeSource": "CRM",
        **fields,
    }


def change(object_id: int, name: str, value: str, occurred_at: int) -> dict[str, Any]:
    return event(
        "deal.propertyChange", object_id, occurred_at, propertyName=name, propertyValue=value
    )


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())
