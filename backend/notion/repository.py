"""Queries for Notion: its integration rows, stored events, page versions and sync runs."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import (
    Activity,
    Deal,
    DealSource,
    Integration,
    IntegrationStatus,
    IntegrationType,
    NotionPage,
    NotionSyncRun,
    RunStatus,
    WebhookEvent,
)

SOURCE = "notion"


class NotionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def integration(
        self, workspace_id: uuid.UUID, *, for_update: bool = False
    ) -> Integration | None:
        statement = select(Integration).where(
            Integration.workspace_id == workspace_id, Integration.type == IntegrationType.notion
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def integration_by_id(
        self, integration_id: uuid.UUID, *, for_update: bool = False
    ) -> Integration | None:
        """Any workspace's Notion integration: the webhook URL itself names it."""
        statement = select(Integration).where(
            Integration.id == integration_id, Integration.type == IntegrationType.notion
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def connected_integrations(self) -> list[Integration]:
        result = await self.session.scalars(
            select(Integration).where(
                Integration.type == IntegrationType.notion,
                Integration.status != IntegrationStatus.disconnected,
            )
        )
        return list(result.all())

    async def add_event(self, values: dict[str, Any]) -> bool:
        """Store the event unless its dedupe key is stored already; True when it is new."""
        inserted = await self.session.scalar(
            insert(WebhookEvent)
            .values(source=SOURCE, **values)
            .on_conflict_do_nothing(index_elements=[WebhookEvent.source, WebhookEvent.dedupe_key])
            .returning(WebhookEvent.id)
        )
        return inserted is not None

    async def next_pending_event(self, workspace_id: uuid.UUID) -> WebhookEvent | None:
        """The oldest unhandled Notion event of the workspace, locked; others' locks skipped."""
        return await self.session.scalar(
            select(WebhookEvent)
            .where(
                WebhookEvent.workspace_id == workspace_id,
                WebhookEvent.source == SOURCE,
                WebhookEvent.status == "received",
            )
            .order_by(WebhookEvent.occurred_at, WebhookEvent.received_at, WebhookEvent.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )

    async def finish_event(
        self, event_id: uuid.UUID, *, status: str, error: str | None, at: datetime
    ) -> None:
        await self.session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == event_id)
            .values(status=status, error=error, processed_at=at)
        )

    async def page_state(self, workspace_id: uuid.UUID, page_id: str) -> NotionPage | None:
        return await self.session.scalar(
            select(NotionPage)
            .where(NotionPage.workspace_id == workspace_id, NotionPage.page_id == page_id)
            .with_for_update()
        )

    async def save_page_state(
        self,
        workspace_id: uuid.UUID,
        page_id: str,
        *,
        kind: str,
        event_at: datetime | None,
        edited_at: datetime | None,
    ) -> None:
        """Record the versions applied; a stored newer one is kept (versions only move on)."""
        statement = insert(NotionPage).values(
            workspace_id=workspace_id,
            page_id=page_id,
            kind=kind,
            last_event_at=event_at,
            last_edited_at=edited_at,
            updated_at=func.now(),
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[NotionPage.workspace_id, NotionPage.page_id],
                set_={
                    "kind": statement.excluded.kind,
                    "last_event_at": func.greatest(
                        NotionPage.last_event_at, statement.excluded.last_event_at
                    ),
                    "last_edited_at": func.greatest(
                        NotionPage.last_edited_at, statement.excluded.last_edited_at
                    ),
                    "updated_at": func.now(),
                },
            )
        )

    async def mark_seen(self, workspace_id: uuid.UUID, page_id: str) -> None:
        """A full sync saw the page (even one it could not apply): it still exists."""
        await self.session.execute(
            update(NotionPage)
            .where(NotionPage.workspace_id == workspace_id, NotionPage.page_id == page_id)
            .values(updated_at=func.now())
        )

    async def deal_pages_unseen_since(self, workspace_id: uuid.UUID, since: datetime) -> list[str]:
        """Pages of live Notion deals a full sync started at `since` did not see."""
        result = await self.session.scalars(
            select(NotionPage.page_id)
            .join(
                Deal,
                (Deal.workspace_id == NotionPage.workspace_id)
                & (Deal.source == DealSource.notion)
                & (Deal.external_id == NotionPage.page_id),
            )
            .where(
                NotionPage.workspace_id == workspace_id,
                NotionPage.kind == "deal",
                NotionPage.updated_at < since,
                Deal.archived_at.is_(None),
            )
        )
        return list(result.all())

    async def note_activity(self, workspace_id: uuid.UUID, page_id: str) -> Activity | None:
        return await self.session.scalar(
            select(Activity)
            .where(
                Activity.workspace_id == workspace_id,
                Activity.source == DealSource.notion,
                Activity.external_id == page_id,
            )
            .with_for_update()
        )

    async def add_run(self, run: NotionSyncRun) -> NotionSyncRun:
        self.session.add(run)
        await self.session.flush()
        return run

    async def run(
        self, workspace_id: uuid.UUID, run_id: uuid.UUID, *, for_update: bool = False
    ) -> NotionSyncRun | None:
        statement = select(NotionSyncRun).where(
            NotionSyncRun.workspace_id == workspace_id, NotionSyncRun.id == run_id
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def runs(self, workspace_id: uuid.UUID, *, limit: int) -> list[NotionSyncRun]:
        result = await self.session.scalars(
            select(NotionSyncRun)
            .where(NotionSyncRun.workspace_id == workspace_id)
            .order_by(NotionSyncRun.created_at.desc(), NotionSyncRun.id.desc())
            .limit(limit)
        )
        return list(result.all())

    async def active_run(self, workspace_id: uuid.UUID) -> NotionSyncRun | None:
        """A run queued or under way, which a new request for a sync can simply join."""
        return await self.session.scalar(
            select(NotionSyncRun)
            .where(
                NotionSyncRun.workspace_id == workspace_id,
                NotionSyncRun.status.in_([RunStatus.queued, RunStatus.running]),
            )
            .order_by(NotionSyncRun.created_at.desc())
            .limit(1)
        )
