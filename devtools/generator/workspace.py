"""Fill a workspace with generated sellers, deals, history and activities."""

import functools
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from backend.auth.security import hash_password
from backend.models import Membership, Role, StageKind, User
from backend.pipelines.repository import StageRepository
from backend.pipelines.service import create_default_stages
from devtools.generator import activities, catalog
from devtools.generator.load import Loaded, load
from devtools.generator.simulate import (
    Pipeline,
    Stage,
    day_start,
    id_of,
    make_sellers,
    plan_deals,
)


@dataclass(frozen=True)
class Spec:
    """What to generate. `activities` counts the sellers' calls, emails, meetings, notes and
    tasks; the system entries that record creation and every change come on top."""

    deals: int
    activities: int
    seed: int = 1
    # The end of the 18-month history; today at 00:00 UTC unless given.
    now: datetime | None = None


async def populate(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    seller_ids: list[uuid.UUID],
    spec: Spec,
) -> Loaded:
    """Generate `spec` for the workspace's default pipeline and COPY it in the session's
    transaction. Same seed, sellers and anchor: same data."""
    pipeline = await ensure_pipeline(session, workspace_id)
    now = spec.now or day_start(datetime.now(UTC))
    sellers = make_sellers(seller_ids, random.Random(f"{spec.seed}:sellers"))
    deals = plan_deals(
        count=spec.deals,
        sellers=sellers,
        pipeline=pipeline,
        seed=spec.seed,
        now=now,
        salt=workspace_id.int,
    )
    activities.allocate(deals, spec.activities, spec.seed, now)
    return await load(session, workspace_id=workspace_id, deals=deals, seed=spec.seed, now=now)


async def ensure_pipeline(session: AsyncSession, workspace_id: uuid.UUID) -> Pipeline:
    """The workspace's stages, creating the default set if it has none."""
    stages = await StageRepository(session).list(workspace_id)
    if not stages:
        await create_default_stages(session, workspace_id)
        await session.flush()
        stages = await StageRepository(session).list(workspace_id)
    open_stages = tuple(Stage(id_of(s.id), s.name) for s in stages if s.kind == StageKind.open)
    won = next((Stage(id_of(s.id), s.name) for s in stages if s.kind == StageKind.won), None)
    lost = next((Stage(id_of(s.id), s.name) for s in stages if s.kind == StageKind.lost), None)
    if not open_stages or won is None or lost is None:
        raise ValueError("the pipeline needs an open, a won and a lost stage to generate deals")
    return Pipeline(open=open_stages, won=won, lost=lost)


async def add_sellers(
    session: AsyncSession, *, workspace_id: uuid.UUID, count: int, domain: str, seed: int
) -> list[uuid.UUID]:
    """`count` member accounts with names but no usable password (they own generated deals)."""
    rng = random.Random(f"{seed}:people")
    unusable = _unusable_hash()
    users = []
    for n in range(count):
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        email = f"{first}.{last}.{n + 1}@{domain}".lower()
        users.append(User(email=email, name=f"{first} {last}", password_hash=unusable))
    session.add_all(users)
    await session.flush()
    session.add_all(
        Membership(workspace_id=workspace_id, user_id=u.id, role=Role.member) for u in users
    )
    await session.flush()
    return [u.id for u in users]


@functools.cache
def _unusable_hash() -> str:
    """A password hash nobody knows the password of; hashing is slow, so once per process."""
    return hash_password(secrets.token_urlsafe(32))


async def analyze(engine: AsyncEngine) -> None:
    """Fresh planner statistics after a bulk load, so the first queries plan well, and the
    funnel totals the load added to folded (as the worker's periodic job would)."""
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("select compact_stage_funnel()"))
        await conn.execute(text("analyze"))
