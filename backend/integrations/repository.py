"""Queries for a workspace's integrations."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Integration

PORTAL_CLAIM_INDEX = "uq_integration_hubspot_portal_id"


def is_portal_claimed(exc: IntegrityError) -> bool:
    """Whether the write failed because another live integration holds the HubSpot portal."""
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None) == PORTAL_CLAIM_INDEX


class IntegrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, workspace_id: uuid.UUID, integration_id: uuid.UUID) -> Integration | None:
        return await self.session.scalar(
            select(Integration).where(
                Integration.workspace_id == workspace_id, Integration.id == integration_id
            )
        )

    async def list(self, workspace_id: uuid.UUID) -> list[Integration]:
        result = await self.session.scalars(
            select(Integration)
            .where(Integration.workspace_id == workspace_id)
            .order_by(Integration.type)
        )
        return list(result.all())

    async def add_unless_type_exists(self, values: dict[str, Any]) -> Integration | None:
        """Insert the integration; None when the workspace already has one of this type."""
        return await self.session.scalar(
            insert(Integration)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[Integration.workspace_id, Integration.type])
            .returning(Integration)
        )

    async def delete(self, integration: Integration) -> None:
        await self.session.delete(integration)
        await self.session.flush()
