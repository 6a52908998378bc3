"""Queries for the HubSpot sync: its integration, runs, stages, members and activities."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import (
    Activity,
    Deal,
    DealSource,
    HubspotSyncRun,
    Integration,
    IntegrationStatus,
    IntegrationType,
    Membership,
    PipelineStage,
    RunStatus,
    User,
)

ACTIVE = (RunStatus.queued, RunStatus.running)


class HubspotSyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def integration(
        self, workspace_id: uuid.UUID, *, for_update: bool = False
    ) -> Integration | None:
        statement = select(Integration).where(
            Integration.workspace_id == workspace_id, Integration.type == IntegrationType.hubspot
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def portal_claimed_by_another(
        self, integration_id: uuid.UUID | None, portal_id: int
    ) -> bool:
        """Whether another live integration holds this portal (its events must map to one).

        The unique index on `hubspot_portal_id` is the guarantee; this only gives the
        common case a clear answer before writing.
        """
        statement = select(Integration.id).where(
            Integration.type == IntegrationType.hubspot,
            Integration.status != IntegrationStatus.disconnected,
            Integration.hubspot_portal_id == portal_id,
        )
        if integration_id is not None:
            statement = statement.where(Integration.id != integration_id)
        return await self.session.scalar(statement) is not None

    def add_integration(self, integration: Integration) -> Integration:
        """Add it to the session; the caller's flush writes it (and meets the portal index)."""
        self.session.add(integration)
        return integration

    async def connected_integrations(self) -> list[Integration]:
        """Every connected HubSpot integration, across workspaces (the periodic sync's list)."""
        result = await self.session.scalars(
            select(Integration).where(
                Integration.type == IntegrationType.hubspot,
                Integration.status.in_([IntegrationStatus.connected, IntegrationStatus.error]),
                Integration.credentials_encrypted.is_not(None),
            )
        )
        return list(result.all())

    # Runs

    async def add_run(self, run: HubspotSyncRun) -> HubspotSyncRun:
        self.session.add(run)
        await self.session.flush()
        return run

    async def run(
        self, workspace_id: uuid.UUID, run_id: uuid.UUID, *, for_update: bool = False
    ) -> HubspotSyncRun | None:
        statement = select(HubspotSyncRun).where(
            HubspotSyncRun.workspace_id == workspace_id, HubspotSyncRun.id == run_id
        )
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def active_run(self, integration_id: uuid.UUID) -> HubspotSyncRun | None:
        return await self.session.scalar(
            select(HubspotSyncRun)
            .where(
                HubspotSyncRun.integration_id == integration_id,
                HubspotSyncRun.status.in_(ACTIVE),
            )
            .order_by(HubspotSyncRun.created_at.desc())
            .limit(1)
        )

    async def latest_run(self, workspace_id: uuid.UUID) -> HubspotSyncRun | None:
        return await self.session.scalar(
            select(HubspotSyncRun)
            .where(HubspotSyncRun.workspace_id == workspace_id)
            .order_by(HubspotSyncRun.created_at.desc(), HubspotSyncRun.id.desc())
            .limit(1)
        )

    async def page_runs(
        self, workspace_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[HubspotSyncRun]:
        """Newest first; `after` is the (created_at, id) of the previous page's last run."""
        statement = select(HubspotSyncRun).where(HubspotSyncRun.workspace_id == workspace_id)
        if after is not None:
            statement = statement.where(
                tuple_(HubspotSyncRun.created_at, HubspotSyncRun.id) < tuple_(*after)
            )
        result = await self.session.scalars(
            statement.order_by(HubspotSyncRun.created_at.desc(), HubspotSyncRun.id.desc()).limit(
                limit
            )
        )
        return list(result.all())

    async def count_runs(self, workspace_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(HubspotSyncRun)
            .where(HubspotSyncRun.workspace_id == workspace_id)
        )
        return count or 0

    # What the records map to

    async def stages(self, workspace_id: uuid.UUID) -> list[PipelineStage]:
        result = await self.session.scalars(
            select(PipelineStage)
            .where(PipelineStage.workspace_id == workspace_id)
            .order_by(PipelineStage.position, PipelineStage.created_at)
            .with_for_update()
        )
        return list(result.all())

    async def stage_ids_by_external_id(self, workspace_id: uuid.UUID) -> dict[str, uuid.UUID]:
        rows = await self.session.execute(
            select(PipelineStage.external_id, PipelineStage.id).where(
                PipelineStage.workspace_id == workspace_id,
                PipelineStage.external_id.is_not(None),
            )
        )
        return {str(external_id): stage_id for external_id, stage_id in rows.all()}

    async def stages_in_use(self, workspace_id: uuid.UUID) -> set[uuid.UUID]:
        result = await self.session.scalars(
            select(Deal.stage_id).where(Deal.workspace_id == workspace_id).distinct()
        )
        return set(result.all())

    async def delete_stage(self, stage: PipelineStage) -> None:
        await self.session.delete(stage)

    async def members_by_email(self, workspace_id: uuid.UUID) -> dict[str, uuid.UUID]:
        """Each member's user id under their lower-cased email."""
        rows = await self.session.execute(
            select(func.lower(User.email), User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
        )
        return {email: user_id for email, user_id in rows.all()}

    async def deal_ids_by_external_id(
        self, workspace_id: uuid.UUID, external_ids: list[str]
    ) -> dict[str, uuid.UUID]:
        if not external_ids:
            return {}
        rows = await self.session.execute(
            select(Deal.external_id, Deal.id).where(
                Deal.workspace_id == workspace_id,
                Deal.source == DealSource.hubspot,
                Deal.external_id.in_(external_ids),
            )
        )
        return {str(external_id): deal_id for external_id, deal_id in rows.all()}

    async def upsert_activity(self, values: dict[str, Any]) -> tuple[Activity, bool]:
        """Insert or refresh the activity with this (workspace, source, external id)."""
        statement = insert(Activity).values(id=uuid.uuid4(), **values)
        changing = {
            name: statement.excluded[name]
            for name in (
                "deal_id",
                "subject",
                "body",
                "scheduled_at",
                "completed_at",
                "occurred_at",
                "owner_id",
                "details",
                "updated_at",
            )
        }
        row: Any = (
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=[Activity.workspace_id, Activity.source, Activity.external_id],
                    index_where=text("external_id is not null"),
                    set_=changing,
                ).returning(Activity.id, literal_column("xmax = 0").label("inserted"))
            )
        ).one()
        activity = await self.session.get(Activity, row.id, populate_existing=True)
        assert activity is not None
        return activity, bool(row.inserted)
