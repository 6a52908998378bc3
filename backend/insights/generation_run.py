"""The insight job: snapshot the workspace, have the AI core analyse and write, store.

The run is marked running (committed, so pollers see it), the snapshot is read, the AI core
is called outside any transaction, then insights, the run's outcome and `insight.generated`
are committed together. A failure marks the run failed with its reason.
"""

import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.events.publisher import publish
from backend.insights import snapshot
from backend.insights.ai_core_client import Generated, GeneratedInsight, generate_insights
from backend.insights.run_repository import RunRepository
from backend.insights.service import UpsertedInsight, upsert_open_insight
from backend.models import InsightRun, RunStatus

log = structlog.get_logger(__name__)

FINISHED = (RunStatus.succeeded, RunStatus.failed)
MAX_TITLE = 300
MAX_ERROR = 4000


async def run(*, workspace_id: uuid.UUID, run_id: uuid.UUID) -> None:
    """Carry out a queued run; a run that finished already (a job run twice) is left alone."""
    sessions = session_factory()
    async with sessions() as session:
        insight_run = await RunRepository(session).get(workspace_id, run_id, for_update=True)
        if insight_run is None or insight_run.status in FINISHED:
            return
        as_of = datetime.now(UTC)
        insight_run.status, insight_run.started_at = RunStatus.running, as_of
        await session.commit()
    try:
        started = time.perf_counter()
        async with sessions() as session:
            workspace = await snapshot.build(session, workspace_id, run_id=run_id, as_of=as_of)
        seconds_sql = time.perf_counter() - started
        generated, sent = await generate_insights(workspace.payload)
        log.info(
            "insight_run_generated",
            run_id=str(run_id),
            open_deals=len(workspace.deal_ids),
            snapshot_seconds=round(seconds_sql, 3),
            payload_bytes=sent.raw_bytes,
            gzip_bytes=sent.gzip_bytes,
            ai_core_seconds=sent.seconds,
        )
        async with sessions() as session:
            await _store(session, workspace_id, run_id, generated, workspace.deal_ids)
            await session.commit()
    except Exception as exc:
        log.exception("insight_run_failed", run_id=str(run_id))
        async with sessions() as session:
            await _finish(session, workspace_id, run_id, error=f"{type(exc).__name__}: {exc}")
            await session.commit()
        raise


async def _store(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    run_id: uuid.UUID,
    generated: Generated,
    deal_ids: frozenset[uuid.UUID],
) -> None:
    created = refreshed = 0
    notes = list(generated.notes)
    for item in [*generated.insights, generated.summary]:
        deal_id = uuid.UUID(item.deal_id) if item.deal_id else None
        if deal_id is not None and deal_id not in deal_ids:
            # Never trust an id from elsewhere: only the deals this run sent may come back.
            notes.append(f"{item.signal_key}: not a deal of this snapshot, dropped.")
            continue
        upserted = await _upsert(session, workspace_id, run_id, item, deal_id)
        created += upserted.created
        refreshed += not upserted.created
    await _finish(session, workspace_id, run_id, generated=generated, notes=notes)
    await publish(
        session,
        workspace_id=workspace_id,
        type="insight.generated",
        data={
            "run_id": str(run_id),
            "created": created,
            "refreshed": refreshed,
            "used_ai": generated.used_ai,
        },
    )


async def _upsert(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    run_id: uuid.UUID,
    item: GeneratedInsight,
    deal_id: uuid.UUID | None,
) -> UpsertedInsight:
    evidence = {**item.evidence, "rank": item.rank}
    return await upsert_open_insight(
        session,
        workspace_id=workspace_id,
        run_id=run_id,
        signal_key=item.signal_key,
        deal_id=deal_id,
        type=item.type,
        title=item.title[:MAX_TITLE],
        description=item.description,
        priority=item.priority,
        confidence=item.confidence,
        evidence=evidence,
        suggested_actions=item.suggested_actions,
        generated_without_ai=item.generated_without_ai,
    )


async def _finish(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    generated: Generated | None = None,
    notes: list[str] | None = None,
    error: str | None = None,
) -> None:
    run: InsightRun | None = await RunRepository(session).get(workspace_id, run_id, for_update=True)
    if run is None:
        return
    run.finished_at = datetime.now(UTC)
    if generated is None:
        run.status, run.error = RunStatus.failed, (error or "failed")[:MAX_ERROR]
        return
    usage = generated.usage
    run.status = RunStatus.succeeded
    run.model = usage.model
    run.used_ai = generated.used_ai
    run.input_tokens, run.output_tokens = usage.input_tokens, usage.output_tokens
    run.cost_usd = Decimal(usage.cost_usd)
    # A run that fell back to templates succeeded, and says why it did not use AI.
    run.error = " ".join(notes)[:MAX_ERROR] if notes else None
