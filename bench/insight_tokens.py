"""Insight runs at 1,000 / 20,000 / 100,000 deals: Claude's input tokens stay flat.

    uv run --frozen python -m bench.insight_tokens [--sizes 1000 20000 100000] [--fresh]

For each size, a generated workspace (devtools.generator: 18 months of deals with their
stage and close-date history and 4 activities per deal) is created once in DATABASE_URL or
an embedded Postgres in .data/bench-insights (database `vectoros_insight_bench`, a cluster of
its own). Then one run as the job does it: the snapshot in SQL, gzipped to the AI core
(in-process), the engine, and the real SDK + LangChain against the fake Anthropic API on
127.0.0.1 (tests/fakes), whose usage is what the SDK reports. Then the Forecast page's and a
deal page's requests (GET .../forecast, .../deals/{id}/win-probability) as the backend
serves them: the forecast trains the win model, the deal score finds it kept. Prints a
markdown table: tokens, payload size, seconds per step.
"""

import argparse
import asyncio
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from ai_core.app import create_app as create_ai_core
from ai_core.config import Settings as AICoreSettings
from ai_core.insights.router import insight_model
from ai_core.llm import chat_model
from backend import db
from backend.analytics.periods import Granularity
from backend.auth.deps import WorkspaceContext
from backend.insights import ai_core_client, outlook, snapshot
from backend.models import Role, User, Workspace
from backend.workspaces import service as workspaces
from devtools.generator import Spec, add_sellers, analyze, bulk_mode, populate
from devtools.migrate import ensure_database, upgrade
from devtools.pg import database_url, start_embedded
from tests.backend.insights.generation_fixtures import faithful_claude
from tests.fakes.anthropic_server import FakeAnthropic

log = logging.getLogger("bench")
OWNER = "insight-bench@vectoros.dev"
SELLERS = 12
MODEL = "claude-sonnet-4-6"


@dataclass(frozen=True)
class Measured:
    deals: int
    open_deals: int
    input_tokens: int
    output_tokens: int
    payload_bytes: int
    gzip_bytes: int
    snapshot_seconds: float
    ai_core_seconds: float
    used_ai: bool
    # The Forecast page's and a deal page's requests, served live by the same engine.
    forecast_seconds: float
    deal_score_seconds: float


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.insight_tokens", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 20_000, 100_000])
    parser.add_argument("--fresh", action="store_true", help="recreate the embedded database")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = None
    url = os.environ.get("DATABASE_URL")
    if not url:
        server = start_embedded("bench-insights")
        url = database_url(server, "vectoros_insight_bench")
    ensure_database(url, recreate=args.fresh and server is not None)
    upgrade(url)
    db.configure(url)
    results = asyncio.run(_measure_all(args.sizes))
    print(_table(results))  # noqa: T201
    del server


async def _measure_all(sizes: list[int]) -> list[Measured]:
    with FakeAnthropic() as fake:
        fake.responder = faithful_claude
        core = create_ai_core()
        settings = AICoreSettings(
            _env_file=None,  # type: ignore[call-arg]
            anthropic_api_key=SecretStr("bench"),
            anthropic_base_url=fake.base_url,
            anthropic_model=MODEL,
        )
        core.dependency_overrides[insight_model] = lambda: chat_model(settings)
        ai_core_client.use_transport(httpx.ASGITransport(app=core))
        try:
            return [await _measure(size, fake) for size in sizes]
        finally:
            await db.engine.dispose()


async def _measure(size: int, fake: FakeAnthropic) -> Measured:
    workspace_id = await _workspace(size)
    as_of = datetime.now(UTC)
    started = time.perf_counter()
    async with db.session_factory()() as session:
        built = await snapshot.build(session, workspace_id, run_id=None, as_of=as_of)
    snapshot_seconds = time.perf_counter() - started
    generated, sent = await ai_core_client.generate_insights(built.payload)
    request = fake.requests[-1]
    assert generated.usage.input_tokens == request.input_tokens
    log.info("==> %s deals: %s input tokens", size, request.input_tokens)
    ctx = WorkspaceContext(workspace_id, Role.owner, None, None)
    started = time.perf_counter()
    async with db.session_factory()() as session:
        await outlook.simulated_forecast(session, ctx, group_by=Granularity.month)
    forecast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    async with db.session_factory()() as session:
        await outlook.deal_win_probability(session, ctx, next(iter(built.deal_ids)))
    deal_score_seconds = time.perf_counter() - started
    return Measured(
        deals=size,
        open_deals=len(built.deal_ids),
        input_tokens=generated.usage.input_tokens,
        output_tokens=generated.usage.output_tokens,
        payload_bytes=sent.raw_bytes,
        gzip_bytes=sent.gzip_bytes,
        snapshot_seconds=round(snapshot_seconds, 2),
        ai_core_seconds=sent.seconds,
        used_ai=generated.used_ai,
        forecast_seconds=round(forecast_seconds, 2),
        deal_score_seconds=round(deal_score_seconds, 2),
    )


async def _workspace(size: int) -> uuid.UUID:
    """The generated workspace of `size` deals, created the first time."""
    name = f"Insights {size}"
    async with db.session_factory()() as session:
        found = await session.scalar(select(Workspace.id).where(Workspace.name == name))
        if found is not None:
            return found
        log.info("==> generating %s deals", size)
        owner = await session.scalar(select(User).where(User.email == OWNER))
        if owner is None:
            owner = User(email=OWNER, name="Insight Bench", password_hash="!")
            session.add(owner)
            await session.flush()
        workspace_id = (await workspaces.create(session, owner=owner, name=name)).id
        sellers = await add_sellers(
            session, workspace_id=workspace_id, count=SELLERS, domain=f"b{size}.test", seed=size
        )
        async with bulk_mode(session):
            await populate(
                session,
                workspace_id=workspace_id,
                seller_ids=[owner.id, *sellers],
                spec=Spec(deals=size, activities=size * 4, seed=size),
            )
        await session.commit()
    await analyze(db.engine)
    return workspace_id


def _table(results: list[Measured]) -> str:
    lines = [
        "| deals | open | Claude input tokens | output tokens | snapshot JSON | gzipped "
        "| snapshot SQL s | AI core s | used AI | forecast page s | deal score s (model kept) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.deals:,} | {r.open_deals:,} | {r.input_tokens:,} | {r.output_tokens:,} "
            f"| {r.payload_bytes / 1e6:.1f} MB | {r.gzip_bytes / 1e6:.1f} MB "
            f"| {r.snapshot_seconds} | {r.ai_core_seconds} | {'yes' if r.used_ai else 'no'} "
            f"| {r.forecast_seconds} | {r.deal_score_seconds} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
