"""The processing job: a workspace's stored Notion events, oldest first, each applied by
fetching the page it names (Notion's payloads say what changed, not the values).

Idempotent and order-tolerant: each event is handled once (its row's status), and an event
older than the last one applied to its page is ignored. When Notion stays unavailable the
event stays pending and the job fails, so procrastinate retries it later.
"""

import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import session_factory
from backend.models import IntegrationStatus, WebhookEvent
from backend.notion import credentials, pages
from backend.notion.client import NotionClient, NotionNotFound, NotionUnauthorized, notion_client
from backend.notion.mapping import NotionConfig, normalize_id
from backend.notion.repository import NotionRepository

log = structlog.get_logger(__name__)

# Events about a page's existence or values; the rest (comments, schema changes, locks)
# change nothing we sync.
PAGE_EVENTS = {
    "page.created",
    "page.properties_updated",
    "page.content_updated",
    "page.deleted",
    "page.undeleted",
    "page.moved",
}


async def run(*, workspace_id: uuid.UUID) -> int:
    """Handle every pending Notion event of the workspace, each in its own transaction."""
    async with session_factory()() as session:
        integration = await NotionRepository(session).integration(workspace_id)
        token = credentials.read(integration).get("access_token") if integration else None
    async with notion_client(str(token or "")) as notion:
        handled = 0
        while True:
            async with session_factory()() as session:
                row = await NotionRepository(session).next_pending_event(workspace_id)
                if row is None:
                    return handled
                status, error = await _handle(session, notion, row)
                await NotionRepository(session).finish_event(
                    row.id, status=status, error=error, at=datetime.now(UTC)
                )
                await session.commit()
                handled += 1


async def _handle(
    session: AsyncSession, notion: NotionClient, row: WebhookEvent
) -> tuple[str, str | None]:
    assert row.workspace_id is not None
    repository = NotionRepository(session)
    integration = await repository.integration(row.workspace_id)
    if integration is None or integration.id != row.integration_id:
        return "ignored", "the Notion integration that received it is gone"
    if integration.status == IntegrationStatus.disconnected:
        return "ignored", "the Notion integration is disconnected"
    config = NotionConfig.parse(integration.config)
    if config is None:
        return "ignored", "no deals database is mapped"
    kind = str(row.payload.get("type"))
    page_id = normalize_id(str((row.payload.get("entity") or {}).get("id") or ""))
    if kind not in PAGE_EVENTS or page_id is None:
        return "ignored", f"{kind} events are not synced"
    state = await repository.page_state(row.workspace_id, page_id)
    if state and state.last_event_at and row.occurred_at <= state.last_event_at:
        return "ignored", "older than the last event applied to this page"
    target = pages.Target(row.workspace_id, config, notion)
    try:
        async with session.begin_nested():
            try:
                page = await notion.page(page_id)
            except NotionNotFound:
                applied = await pages.remove(
                    session, target, page_id, when=row.occurred_at, event_at=row.occurred_at
                )
            else:
                applied = await pages.apply(session, target, page, event_at=row.occurred_at)
    except pages.PageFailed as exc:
        log.warning("notion_event_failed", event_id=str(row.id), error=str(exc))
        return "failed", str(exc)
    except NotionUnauthorized as exc:
        integration.status = IntegrationStatus.error
        integration.last_error = f"Notion refused the integration token: {exc}"
        return "failed", str(exc)
    status = "ignored" if applied.outcome == "ignored" else "processed"
    return status, applied.note
