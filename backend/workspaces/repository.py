"""Queries for workspaces and their memberships."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Membership, Role, User, Workspace


class WorkspaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, workspace_id: uuid.UUID) -> Workspace | None:
        return await self.session.get(Workspace, workspace_id)

    async def add(self, workspace: Workspace) -> Workspace:
        self.session.add(workspace)
        await self.session.flush()
        return workspace

    async def list_for_user(self, user_id: uuid.UUID) -> list[tuple[Workspace, Role]]:
        rows = await self.session.execute(
            select(Workspace, Membership.role)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == user_id)
            .order_by(Workspace.created_at, Workspace.id)
        )
        return [(ws, role) for ws, role in rows.all()]


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def role_of(self, workspace_id: uuid.UUID, user_id: uuid.UUID) -> Role | None:
        return await self.session.scalar(
            select(Membership.role).where(
                Membership.workspace_id == workspace_id, Membership.user_id == user_id
            )
        )

    async def has_member_with_email(self, workspace_id: uuid.UUID, email: str) -> bool:
        found = await self.session.scalar(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace_id, User.email == email.lower())
        )
        return found is not None

    async def get_for_update(
        self, workspace_id: uuid.UUID, user_id: uuid.UUID
    ) -> Membership | None:
        return await self.session.scalar(
            select(Membership)
            .where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
            .with_for_update()
        )

    async def list(self, workspace_id: uuid.UUID) -> list[tuple[Membership, User]]:
        rows = await self.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(Membership.created_at, User.email)
        )
        return [(member, user) for member, user in rows.all()]

    async def count_owners_for_update(self, workspace_id: uuid.UUID) -> int:
        # Lock the owner rows so two concurrent demotions cannot both pass the check.
        owners = await self.session.scalars(
            select(Membership.user_id)
            .where(Membership.workspace_id == workspace_id, Membership.role == Role.owner)
            .with_for_update()
        )
        return len(owners.all())

    async def add(self, member: Membership) -> Membership:
        self.session.add(member)
        await self.session.flush()
        return member

    async def delete(self, member: Membership) -> None:
        await self.session.delete(member)
        await self.session.flush()
