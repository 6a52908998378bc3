"""One HubSpot sync run, page by page, resumable from the integration's checkpoint.

Phases: pipelines -> owners -> deals -> calls, meetings, notes, emails, tasks. Every page is
applied in its own transaction together with the checkpoint (phase + HubSpot's `after`
cursor), so a run that dies (error, killed worker) resumes at the page it was on. A backfill
lists everything; an incremental run searches for what changed since the watermark.
"""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.hubspot import apply, credentials, mapping
from backend.hubspot.apply import Outcome
from backend.hubspot.client import HubSpotAuthError, HubSpotClient, HubSpotError, Page, Tokens
from backend.hubspot.repository import HubspotSyncRepository
from backend.models import HubspotSyncRun, Integration, IntegrationStatus, RunStatus

log = structlog.get_logger(__name__)

PHASES = ("pipelines", "owners", "deals", *mapping.ENGAGEMENT_TYPES)
DONE = "done"
# HubSpot's search stops paging at 10,000 results; past that, search again from the last seen.
SEARCH_LIMIT = 10_000
# The search index lags writes a little: the next incremental run looks back this far.
WATERMARK_OVERLAP = timedelta(minutes=5)
MAX_PROBLEMS = 100


class SyncGone(Exception):
    """The run or its integration no longer exists, or was disconnected."""


@dataclass
class Checkpoint:
    run_id: str
    kind: str
    phase: str
    after: str | None = None
    since: str | None = None  # ISO instant: an incremental run's "changed since"
    # A search capped at SEARCH_LIMIT goes on as a new search from its last record's change.
    search_from: str | None = None

    @property
    def since_at(self) -> datetime:
        moment = self.search_from or self.since
        return datetime.fromisoformat(moment) if moment else datetime.fromtimestamp(0, UTC)

    def saved(self) -> dict[str, Any]:
        return dict(vars(self))

    def next_phase(self) -> dict[str, Any]:
        index = PHASES.index(self.phase) + 1
        following = PHASES[index] if index < len(PHASES) else DONE
        return {**self.saved(), "phase": following, "after": None, "search_from": None}


async def run(*, workspace_id: uuid.UUID, run_id: uuid.UUID, final_attempt: bool) -> None:
    """Carry the run to the end; on failure record it and re-raise so the queue retries."""
    try:
        checkpoint, tokens = await _start(workspace_id, run_id)
    except SyncGone as exc:
        log.info("hubspot_sync_skipped", run_id=str(run_id), reason=str(exc))
        return
    except HubSpotAuthError as exc:  # no usable credentials: retrying cannot help
        await _fail(workspace_id, run_id, exc, final=True)
        return

    async def save_tokens(new: Tokens) -> None:
        async with _transaction(workspace_id, run_id) as (session, integration, _):
            integration.credentials_encrypted = credentials.seal(
                new, webhook_secret=credentials.webhook_secret(integration)
            )

    try:
        async with HubSpotClient(tokens, on_refresh=save_tokens) as client:
            start = len(PHASES) if checkpoint.phase == DONE else PHASES.index(checkpoint.phase)
            for phase in PHASES[start:]:
                checkpoint.phase = phase
                await _PHASES[phase](client, workspace_id, run_id, checkpoint)
                checkpoint.after = checkpoint.search_from = None
        await _finish(workspace_id, run_id)
    except SyncGone as exc:
        log.info("hubspot_sync_stopped", run_id=str(run_id), reason=str(exc))
    except Exception as exc:
        final = final_attempt or isinstance(exc, HubSpotAuthError)
        await _fail(workspace_id, run_id, exc, final=final)
        if not isinstance(exc, HubSpotAuthError):
            raise


async def _start(workspace_id: uuid.UUID, run_id: uuid.UUID) -> tuple[Checkpoint, Tokens]:
    async with _transaction(workspace_id, run_id) as (session, integration, run):
        if run.status in (RunStatus.succeeded, RunStatus.failed):
            raise SyncGone(f"run already {run.status.value}")
        saved = integration.sync_checkpoint
        if saved and (saved["run_id"] == str(run.id) or saved["kind"] in (run.kind, "backfill")):
            checkpoint = Checkpoint(**saved)
            run.kind = checkpoint.kind  # an unfinished backfill is finished first
        else:
            since = integration.sync_watermark if run.kind == "incremental" else None
            checkpoint = Checkpoint(
                str(run.id), run.kind, PHASES[0], since=since.isoformat() if since else None
            )
        checkpoint.run_id = str(run.id)
        integration.sync_checkpoint = checkpoint.saved()
        integration.status = IntegrationStatus.syncing
        run.status = RunStatus.running
        run.attempts += 1
        run.started_at = run.started_at or datetime.now(UTC)
        run.phase = checkpoint.phase
        return checkpoint, credentials.tokens(integration)


async def _pipelines(
    client: HubSpotClient, ws: uuid.UUID, run_id: uuid.UUID, cp: Checkpoint
) -> None:
    pipelines = await client.pipelines()
    async with _transaction(ws, run_id) as (session, integration, run):
        _record(run, await apply.stages(session, ws, pipelines), cp)
        integration.sync_checkpoint = cp.next_phase()


async def _owners(client: HubSpotClient, ws: uuid.UUID, run_id: uuid.UUID, cp: Checkpoint) -> None:
    records, after = [], None
    while True:
        page = await client.owners(after)
        records += page.results
        if page.after is None:
            break
        after = page.after
    async with _transaction(ws, run_id) as (session, integration, run):
        _record(run, await apply.owners(session, integration, records), cp)
        integration.sync_checkpoint = cp.next_phase()


async def _deals(client: HubSpotClient, ws: uuid.UUID, run_id: uuid.UUID, cp: Checkpoint) -> None:
    while True:
        page = await _fetch(client, "deals", mapping.DEAL_PROPERTIES, cp)
        async with _transaction(ws, run_id) as (session, integration, run):
            outcome = await apply.deal_page(session, integration, page.results)
            more = _advance(run, integration, outcome, cp, page)
        if not more:
            return


Phase = Callable[[HubSpotClient, uuid.UUID, uuid.UUID, Checkpoint], Awaitable[None]]


def _engagements(object_type: str) -> Phase:
    async def phase(
        client: HubSpotClient, ws: uuid.UUID, run_id: uuid.UUID, cp: Checkpoint
    ) -> None:
        properties = mapping.engagement_properties(object_type)
        while True:
            page = await _fetch(client, object_type, properties, cp)
            if cp.kind == "backfill":
                deal_ids = {str(r["id"]): mapping.associated_deal_ids(r) for r in page.results}
            else:  # search results carry no associations
                ids = [str(r["id"]) for r in page.results]
                deal_ids = await client.deal_ids_of(object_type, ids)
            async with _transaction(ws, run_id) as (session, integration, run):
                outcome = await apply.engagement_page(
                    session, integration, object_type, page.results, deal_ids
                )
                more = _advance(run, integration, outcome, cp, page)
            if not more:
                return

    return phase


async def _fetch(client: HubSpotClient, object_type: str, properties: Any, cp: Checkpoint) -> Page:
    if cp.kind == "backfill":
        associations = ("deals",) if object_type != "deals" else ()
        return await client.objects(
            object_type, properties=properties, after=cp.after, associations=associations
        )
    return await client.modified_since(
        object_type, since=cp.since_at, properties=properties, after=cp.after
    )


def _advance(
    run: HubspotSyncRun, integration: Integration, outcome: Outcome, cp: Checkpoint, page: Page
) -> bool:
    """Move the checkpoint past this page; whether another page follows."""
    _record(run, outcome, cp)
    capped = page.after is not None and cp.kind == "incremental" and int(page.after) >= SEARCH_LIMIT
    if capped and page.results and (last := mapping.modified_at(page.results[-1])):
        cp.after, cp.search_from = None, last.isoformat()
    else:
        cp.after = page.after
    more = cp.after is not None or (capped and cp.search_from is not None)
    integration.sync_checkpoint = cp.saved() if more else cp.next_phase()
    return more


def _record(run: HubspotSyncRun, outcome: Outcome, cp: Checkpoint) -> None:
    run.phase = cp.phase
    keys = {*run.counts, *outcome.counts}
    run.counts = {k: run.counts.get(k, 0) + outcome.counts.get(k, 0) for k in sorted(keys)}
    if outcome.problems and len(run.problems) < MAX_PROBLEMS:
        run.problems = [*run.problems, *outcome.problems][:MAX_PROBLEMS]


async def _finish(workspace_id: uuid.UUID, run_id: uuid.UUID) -> None:
    async with _transaction(workspace_id, run_id) as (session, integration, run):
        now = datetime.now(UTC)
        run.status, run.finished_at, run.phase, run.error = RunStatus.succeeded, now, None, None
        started = run.started_at or now
        integration.sync_watermark = started - WATERMARK_OVERLAP
        integration.sync_checkpoint = None
        integration.status = IntegrationStatus.connected
        integration.last_synced_at = now
        integration.last_error = None


async def _fail(workspace_id: uuid.UUID, run_id: uuid.UUID, exc: Exception, *, final: bool) -> None:
    message = str(exc) if isinstance(exc, HubSpotError) else f"{type(exc).__name__}: {exc}"
    log.warning("hubspot_sync_failed", run_id=str(run_id), error=message, final=final)
    try:
        async with _transaction(workspace_id, run_id) as (session, integration, run):
            run.error = message if final else f"attempt {run.attempts} failed, retrying: {message}"
            if final:
                run.status, run.finished_at = RunStatus.failed, datetime.now(UTC)
                integration.status = IntegrationStatus.error
                integration.last_error = message
    except SyncGone:
        return


@asynccontextmanager
async def _transaction(
    workspace_id: uuid.UUID, run_id: uuid.UUID
) -> AsyncIterator[tuple[AsyncSession, Integration, HubspotSyncRun]]:
    """The run and its integration, locked, in a transaction committed on success."""
    async with session_factory()() as session:
        repository = HubspotSyncRepository(session)
        run = await repository.run(workspace_id, run_id, for_update=True)
        integration = await repository.integration(workspace_id, for_update=True)
        if run is None or integration is None or integration.id != run.integration_id:
            raise SyncGone("the run or its integration was removed")
        if integration.status == IntegrationStatus.disconnected:
            raise SyncGone("the integration was disconnected")
        yield session, integration, run
        await session.commit()


_PHASES: dict[str, Phase] = {
    "pipelines": _pipelines,
    "owners": _owners,
    "deals": _deals,
    **{object_type: _engagements(object_type) for object_type in mapping.ENGAGEMENT_TYPES},
}
