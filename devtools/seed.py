"""Demo and benchmark data: accounts and workspaces filled by the generator, created once."""

import logging
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import db
from backend.auth.security import hash_password
from backend.models import Deal, Membership, Role, User, Workspace
from backend.workspaces import service as workspaces
from devtools.generator import Loaded, Spec, add_sellers, analyze, bulk_mode, populate

log = logging.getLogger("vectoros.seed")
DEMO_WORKSPACE = "Demo Sales"
DEMO_DEALS = 400
DEMO_SELLERS = 5
DEMO_SEED = 7

BENCH_EMAIL = "bench@vectoros.dev"
BENCH_PASSWORD = "vectoros-bench"
BENCH_WORKSPACE = "Benchmark"
BENCH_SELLERS = 29
BENCH_SEED = 2026
# The other tenants around the benchmark workspace: same tables, different workspace ids.
TENANT_DEALS = 500
TENANT_SELLERS = 4


@dataclass(frozen=True)
class BenchData:
    workspace_id: uuid.UUID
    created: bool
    seconds: float
    deals: int
    activities: int


async def seed_demo(
    url: str, *, email: str, password: str, deals: int = DEMO_DEALS, seed: int = DEMO_SEED
) -> bool:
    """Create the demo user and a workspace full of generated deals unless they exist;
    True when anything was created."""
    db.configure(url)
    try:
        async with db.session_factory()() as session, session.begin():
            user = await session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(email=email, name="Demo Seller", password_hash=hash_password(password))
                session.add(user)
                await session.flush()
                workspace_id = (
                    await workspaces.create(session, owner=user, name=DEMO_WORKSPACE)
                ).id
            else:
                found = await _owned_workspace(session, user.id, DEMO_WORKSPACE)
                # Accounts seeded before the generator existed get their deals now.
                if found is None or await _deal_count(session, found) > 0:
                    return False
                workspace_id = found
            sellers = await add_sellers(
                session,
                workspace_id=workspace_id,
                count=DEMO_SELLERS,
                domain="demo.vectoros.dev",
                seed=seed,
            )
            spec = Spec(deals=deals, activities=deals * 10, seed=seed)
            await populate(
                session, workspace_id=workspace_id, seller_ids=[user.id, *sellers], spec=spec
            )
        await analyze(db.engine)
        return True
    finally:
        await db.engine.dispose()


async def seed_benchmark(
    url: str, *, deals: int, activities: int, workspaces_around: int, seed: int = BENCH_SEED
) -> BenchData:
    """The benchmark workspace of `deals` deals and `activities` activities (owned by the
    bench account) and `workspaces_around` smaller tenants; left alone when it exists."""
    db.configure(url)
    started = time.perf_counter()
    try:
        async with db.session_factory()() as session, session.begin():
            owner = await session.scalar(select(User).where(User.email == BENCH_EMAIL))
            if owner is not None:
                existing = await _owned_workspace(session, owner.id, BENCH_WORKSPACE)
                if existing is None:
                    raise RuntimeError(
                        f"{BENCH_EMAIL} exists without a {BENCH_WORKSPACE!r} workspace"
                    )
                return BenchData(existing, False, 0.0, await _deal_count(session, existing), 0)
            owner = User(
                email=BENCH_EMAIL, name="Bench Owner", password_hash=hash_password(BENCH_PASSWORD)
            )
            session.add(owner)
            await session.flush()
            main = (await workspaces.create(session, owner=owner, name=BENCH_WORKSPACE)).id
            sellers = await add_sellers(
                session,
                workspace_id=main,
                count=BENCH_SELLERS,
                domain="bench.vectoros.dev",
                seed=seed,
            )
            async with bulk_mode(session):
                loaded = await populate(
                    session,
                    workspace_id=main,
                    seller_ids=[owner.id, *sellers],
                    spec=Spec(deals=deals, activities=activities, seed=seed),
                )
                log.info("    main workspace generated and copied (%.0fs)", _since(started))
                total_activities = loaded.activities
                password_hash = hash_password(BENCH_PASSWORD)
                for n in range(1, workspaces_around + 1):
                    tenant = await _tenant(session, n, seed + n, password_hash)
                    total_activities += tenant.activities
                log.info("    %s other workspaces (%.0fs)", workspaces_around, _since(started))
            log.info("    indexes and foreign keys rebuilt (%.0fs)", _since(started))
        await analyze(db.engine)
        log.info("    committed and analyzed (%.0fs)", _since(started))
        return BenchData(main, True, _since(started), deals, total_activities)
    finally:
        await db.engine.dispose()


def _since(started: float) -> float:
    return time.perf_counter() - started


async def _tenant(session: AsyncSession, n: int, seed: int, password_hash: str) -> Loaded:
    domain = f"tenant{n}.bench.vectoros.dev"
    owner = User(email=f"owner@{domain}", name=f"Tenant {n} Owner", password_hash=password_hash)
    session.add(owner)
    await session.flush()
    workspace_id = (await workspaces.create(session, owner=owner, name=f"Tenant {n}")).id
    sellers = await add_sellers(
        session, workspace_id=workspace_id, count=TENANT_SELLERS, domain=domain, seed=seed
    )
    return await populate(
        session,
        workspace_id=workspace_id,
        seller_ids=[owner.id, *sellers],
        spec=Spec(deals=TENANT_DEALS, activities=TENANT_DEALS * 10, seed=seed),
    )


async def _owned_workspace(
    session: AsyncSession, user_id: uuid.UUID, name: str
) -> uuid.UUID | None:
    return await session.scalar(
        select(Workspace.id)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user_id, Membership.role == Role.owner, Workspace.name == name)
        .order_by(Workspace.created_at)
        .limit(1)
    )


async def _deal_count(session: AsyncSession, workspace_id: uuid.UUID) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Deal).where(Deal.workspace_id == workspace_id)
        )
        or 0
    )
