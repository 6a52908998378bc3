"""A workspace connected to the fake Notion, its databases and pages, signed deliveries."""

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from httpx import AsyncClient, Response
from sqlalchemy import Engine, text

from backend.notion.signature import sign
from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.fakes import notion_objects as n
from tests.fakes.notion_api import TOKEN, FakeNotion
from tests.shared_data import SHARED_DATA

DATA = SHARED_DATA / "notion"
EVENTS = DATA / "docs_example_events"
# The docs' example verification token, with which the published vectors are signed.
DOCS_TOKEN = json.loads((DATA / "verification_handshake.json").read_text())["verification_token"]
STAGES = ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]


@dataclass
class Connected:
    pipeline: Pipeline
    integration_id: str
    deals_db: str
    notes_db: str | None
    # The full webhook URL the connect answer showed the admin (its last segment is secret).
    webhook_url: str

    @property
    def workspace_id(self) -> str:
        return self.pipeline.workspace_id

    @property
    def pipeline_workspace_uuid(self) -> uuid.UUID:
        return uuid.UUID(self.workspace_id)

    @property
    def url(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/integrations/notion"

    @property
    def webhook(self) -> str:
        return urlparse(self.webhook_url).path

    @property
    def headers(self) -> dict[str, str]:
        return self.pipeline.owner.headers


def deals_database(fake: FakeNotion, *, options: list[str] | None = None) -> str:
    database_id = n.new_id()
    fake.add_database(
        n.database(
            database_id,
            "Deals",
            {
                "Name": n.title_schema(),
                "Amount": n.number_schema(),
                "Stage": n.select_schema(options or STAGES),
                "Close date": n.date_schema(),
                "Notes": n.rich_text_schema(),
            },
        )
    )
    return database_id


def notes_database(fake: FakeNotion, deals_db: str) -> str:
    database_id = n.new_id()
    fake.add_database(
        n.database(
            database_id,
            "Meeting notes",
            {
                "Name": n.title_schema(),
                "Deal": n.relation_schema(deals_db),
                "Date": n.date_schema(),
            },
        )
    )
    return database_id


def deal_page(
    fake: FakeNotion,
    database_id: str,
    title: str,
    *,
    page_id: str | None = None,
    amount: float | None = None,
    stage: str | None = None,
    close: str | None = None,
    edited: str = "2026-04-03T18:07:00.000Z",
    in_trash: bool = False,
) -> dict[str, Any]:
    """A deals-database row, served by the fake (property ids as its schema has them)."""
    schema = fake.databases[database_id]["properties"]
    values = {
        "Name": n.title_value(title),
        "Amount": n.number_value(amount),
        "Stage": n.select_value(stage),
        "Close date": n.date_value(close),
    }
    page = n.page(
        page_id or n.new_id(),
        database_id,
        {name: {"id": schema[name]["id"], **value} for name, value in values.items()},
        last_edited_time=edited,
        in_trash=in_trash,
    )
    fake.put_page(page)
    return page


def note_page(
    fake: FakeNotion, database_id: str, title: str, *, deal_ids: list[str], day: str | None = None
) -> dict[str, Any]:
    schema = fake.databases[database_id]["properties"]
    values = {
        "Name": n.title_value(title),
        "Deal": n.relation_value(deal_ids),
        "Date": n.date_value(day),
    }
    page = n.page(
        n.new_id(),
        database_id,
        {name: {"id": schema[name]["id"], **value} for name, value in values.items()},
    )
    fake.put_page(page)
    return page


def mapping(deals_db: str, notes_db: str | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access_token": TOKEN,
        "deals_database_id": deals_db,
        "deal_properties": {"amount": "Amount", "stage": "Stage", "close_date": "Close date"},
    }
    if notes_db:
        body["notes_database_id"] = notes_db
        body["note_properties"] = {"deal": "Deal", "date": "Date"}
    return {**body, **overrides}


async def connect(
    client: AsyncClient,
    fake: FakeNotion,
    *,
    notes: bool = True,
    pipeline: Pipeline | None = None,
    **overrides: Any,
) -> Connected:
    pipeline = pipeline or await make_pipeline(client)
    deals_db = deals_database(fake)
    notes_db = notes_database(fake, deals_db) if notes else None
    created = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/notion",
        json=mapping(deals_db, notes_db, **overrides),
        headers=pipeline.owner.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    return Connected(pipeline, body["integration_id"], deals_db, notes_db, body["webhook_url"])


async def handshake(client: AsyncClient, connected: Connected, token: str = DOCS_TOKEN) -> Response:
    """Notion's one unsigned POST of the subscription's verification token."""
    return await client.post(connected.webhook, json={"verification_token": token})


async def confirm(client: AsyncClient, connected: Connected, token: str = DOCS_TOKEN) -> Response:
    """The admin confirms, in settings, the token they pasted into Notion."""
    return await client.post(
        f"{connected.url}/verification-token/confirm",
        json={"verification_token": token},
        headers=connected.headers,
    )


async def verify(client: AsyncClient, connected: Connected, token: str = DOCS_TOKEN) -> None:
    """The whole activation: the handshake arrives, the admin confirms its token."""
    assert (await handshake(client, connected, token)).status_code == 200
    confirmed = await confirm(client, connected, token)
    assert confirmed.status_code == 200, confirmed.text


def docs_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def event(kind: str, page_id: str, timestamp: str, *, event_id: str | None = None) -> dict:
    """A delivery in the docs' envelope, about `page_id`."""
    base = docs_event("page_created")
    return {
        **base,
        "id": event_id or n.new_id(),
        "type": kind,
        "timestamp": timestamp,
        "entity": {"id": page_id, "type": "page"},
    }


async def deliver(
    client: AsyncClient,
    connected: Connected,
    body: dict[str, Any] | bytes,
    *,
    token: str = DOCS_TOKEN,
    signature: str | None = None,
) -> Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Notion-Signature": signature or sign(token, raw),
    }
    return await client.post(connected.webhook, content=raw, headers=headers)


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def deals(engine: Engine) -> dict[str, Any]:
    """Notion deals by page id, with their stage name."""
    found = rows(
        engine,
        "select d.external_id, d.title, d.amount, s.name as stage, d.expected_close_date, "
        "d.archived_at, d.id, d.workspace_id from deal d "
        "join pipeline_stage s on s.id = d.stage_id where d.source = 'notion'",
    )
    return {r.external_id: r for r in found}


def events(engine: Engine) -> list[Any]:
    return rows(
        engine,
        "select status, error, payload->>'id' as event_id from webhook_event "
        "where source = 'notion' order by received_at",
    )
