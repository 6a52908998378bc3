"""Demo data: a demo account and workspace on first run."""

from sqlalchemy import select

from backend import db
from backend.auth.security import hash_password
from backend.models import Membership, Role, User, Workspace


async def seed_demo(url: str, *, email: str, password: str) -> bool:
    """Create the demo user and workspace unless they exist; True when created."""
    db.configure(url)
    async with db.session_factory()() as session, session.begin():
        if await session.scalar(select(User).where(User.email == email)):
            return False
        user = User(email=email, name="Demo Seller", password_hash=hash_password(password))
        workspace = Workspace(name="Demo Sales")
        session.add_all([user, workspace])
        await session.flush()
        session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=Role.owner))
    await db.engine.dispose()
    return True
