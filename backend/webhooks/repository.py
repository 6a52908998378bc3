"""Queries for stored webhook events, HubSpot portals and per-property versions."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import (
    HubspotPropertyVersion,
    Integration,
    IntegrationStatus,
    IntegrationType,
    PipelineStage,
    WebhookEvent,
)

_INSERT_NEW_EVENTS = text(
    """
    insert into webhook_event
        (id, source, dedupe_key, workspace_id, integration_id, status, error, payload,
         occurred_at)
    select gen_random_uuid(), r.source, r.dedupe_key, r.workspace_id, r.integration_id,
           r.status, r.error, r.payload, r.occurred_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        source text, dedupe_key text, workspace_id uuid, integration_id uuid, status text,
        error text, payload jsonb, occurred_at timestamptz
    )
    on conflict (source, dedupe_key) do nothing
    returning workspace_id, status
    """
)


class WebhookEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_new(self, rows: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
        """Insert the events not stored yet; the workspaces that got new ones to process."""
        # The whole batch travels as one JSON parameter: a 100-row VALUES list costs more to
        # build and parse (in SQLAlchemy and psycopg) than Postgres takes to insert it.
        result = await self.session.execute(
            _INSERT_NEW_EVENTS, {"rows": json.dumps(list(rows), default=str)}
        )
        return {row.workspace_id for row in result.all() if row.status == "received"}

    async def next_pending(self, workspace_id: uuid.UUID, *, limit: int) -> list[WebhookEvent]:
        """The oldest unhandled events of the workspace, locked; others' locks are skipped."""
        result = await self.session.scalars(
            select(WebhookEvent)
            .where(
                WebhookEvent.workspace_id == workspace_id,
                # Notion events share the table; their own job processes them.
                WebhookEvent.source == "hubspot",
                WebhookEvent.status == "received",
            )
            .order_by(
                WebhookEvent.occurred_at,
                # At the same instant a creation goes first, a deletion last.
                func.strpos(
                    text("'creation,propertyChange,associationChange,restore,merge,deletion'"),
                    func.split_part(WebhookEvent.payload["subscriptionType"].astext, ".", 2),
                ),
                WebhookEvent.received_at,
                WebhookEvent.id,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(result.all())

    async def finish(
        self, event_id: uuid.UUID, *, status: str, error: str | None, at: datetime
    ) -> None:
        await self.session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == event_id)
            .values(status=status, error=error, processed_at=at)
        )


class HubspotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def integrations_by_portal(self, portal_ids: set[int]) -> dict[int, Integration]:
        """The connected HubSpot integration of each portal that has one."""
        portal = Integration.config["portal_id"].astext
        result = await self.session.scalars(
            select(Integration).where(
                Integration.type == IntegrationType.hubspot,
                Integration.status != IntegrationStatus.disconnected,
                portal.in_([str(p) for p in portal_ids]),
            )
        )
        return {int(i.config["portal_id"]): i for i in result.all()}

    async def integration(self, workspace_id: uuid.UUID) -> Integration | None:
        return await self.session.scalar(
            select(Integration).where(
                Integration.workspace_id == workspace_id,
                Integration.type == IntegrationType.hubspot,
            )
        )

    async def stage_by_external_id(
        self, workspace_id: uuid.UUID, external_id: str
    ) -> PipelineStage | None:
        return await self.session.scalar(
            select(PipelineStage).where(
                PipelineStage.workspace_id == workspace_id,
                PipelineStage.external_id == external_id,
            )
        )

    async def claim_version(
        self, workspace_id: uuid.UUID, object_id: int, prop: str, occurred_at: datetime
    ) -> bool:
        """Record `occurred_at` as the property's version; False if a newer one is stored."""
        statement = insert(HubspotPropertyVersion).values(
            workspace_id=workspace_id, object_id=object_id, property=prop, occurred_at=occurred_at
        )
        claimed = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[
                    HubspotPropertyVersion.workspace_id,
                    HubspotPropertyVersion.object_id,
                    HubspotPropertyVersion.property,
                ],
                set_={"occurred_at": statement.excluded.occurred_at},
                where=HubspotPropertyVersion.occurred_at < statement.excluded.occurred_at,
            ).returning(HubspotPropertyVersion.object_id)
        )
        return claimed is not None
