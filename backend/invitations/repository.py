"""Queries for workspace invitations."""

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Role, WorkspaceInvitation
from backend.models.invitation import PENDING

_pending = WorkspaceInvitation.accepted_at.is_(None)


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_pending(
        self,
        *,
        workspace_id: uuid.UUID,
        email: str,
        role: Role,
        invited_by_id: uuid.UUID | None,
    ) -> WorkspaceInvitation | None:
        """The new invitation, or None when one is already pending for this email."""
        # The partial unique index decides, so two concurrent invites cannot both pass.
        stmt = (
            insert(WorkspaceInvitation)
            .values(workspace_id=workspace_id, email=email, role=role, invited_by_id=invited_by_id)
            .on_conflict_do_nothing(index_elements=["workspace_id", "email"], index_where=PENDING)
            .returning(WorkspaceInvitation)
        )
        return await self.session.scalar(stmt)

    async def list_pending(self, workspace_id: uuid.UUID) -> list[WorkspaceInvitation]:
        rows = await self.session.scalars(
            select(WorkspaceInvitation)
            .where(WorkspaceInvitation.workspace_id == workspace_id, _pending)
            .order_by(WorkspaceInvitation.created_at.desc(), WorkspaceInvitation.id.desc())
        )
        return list(rows.all())

    async def get_pending(
        self, workspace_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> WorkspaceInvitation | None:
        return await self.session.scalar(
            select(WorkspaceInvitation)
            .where(
                WorkspaceInvitation.workspace_id == workspace_id,
                WorkspaceInvitation.id == invitation_id,
                _pending,
            )
            .with_for_update()
        )

    async def delete(self, invitation: WorkspaceInvitation) -> None:
        await self.session.delete(invitation)
        await self.session.flush()

    async def accept_all(self, email: str, when: datetime) -> list[tuple[uuid.UUID, Role]]:
        """Mark every pending invitation for the email accepted; (workspace_id, role) of each."""
        rows = await self.session.execute(
            update(WorkspaceInvitation)
            .where(WorkspaceInvitation.email == email, _pending)
            .values(accepted_at=when)
            .returning(WorkspaceInvitation.workspace_id, WorkspaceInvitation.role)
        )
        return [(workspace_id, role) for workspace_id, role in rows.all()]
