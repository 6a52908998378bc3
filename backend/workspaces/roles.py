"""Who may hand out which role: shared by memberships and invitations."""

from backend.auth.deps import WorkspaceContext
from backend.models import Role
from kit.errors import Forbidden


def ensure_may_grant(ctx: WorkspaceContext, role: Role) -> None:
    if role == Role.owner and ctx.role != Role.owner:
        raise Forbidden("Only an owner can grant or take away the owner role.")
