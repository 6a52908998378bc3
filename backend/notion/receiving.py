"""Incoming Notion webhooks, request side: the handshake, the signature, each event stored
once with its processing queued in the same transaction.

The URL names the integration and carries its random key, so it cannot be guessed. The
handshake's token is kept as pending: events are refused (401, which Notion retries) until
an admin confirms that exact token in settings, and are then verified with it alone.
"""

import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Integration, IntegrationStatus
from backend.notion import credentials, signature
from backend.notion.repository import NotionRepository
from backend.worker.app import defer
from backend.worker.notion_tasks import lock_for, process_notion_events
from kit.errors import BadRequest, NotFound, Unauthorized
from kit.text import storable_deep


class Entity(BaseModel):
    id: str = Field(min_length=1, max_length=100)
    type: str = Field(min_length=1, max_length=50)


class NotionEvent(BaseModel):
    """The envelope of a delivery; the rest of it is kept as it came."""

    model_config = ConfigDict(extra="allow")

    # Short enough for the dedupe key ("<integration id>:<event id>", at most 128).
    id: str = Field(min_length=1, max_length=90)
    type: str = Field(min_length=1, max_length=100)
    timestamp: AwareDatetime
    entity: Entity


async def receive(
    session: AsyncSession,
    integration_id: str,
    path_key: str,
    body: bytes,
    signature_header: str | None,
) -> str:
    """Handle one delivery; the word says what happened ("verification_pending", ...)."""
    integration = await _integration(session, integration_id, path_key)
    payload = _json_object(body)
    if "verification_token" in payload and "type" not in payload:
        return await _handshake(session, integration, payload["verification_token"])
    token = credentials.confirmed_token(credentials.read(integration))
    if not token:
        raise Unauthorized(
            "The webhook's verification token is not confirmed yet: an admin confirms it "
            "in VectorOS settings (Integrations -> Notion).",
            code="verification_unconfirmed",
        )
    if not signature.is_valid(token, body, signature_header):
        raise Unauthorized("X-Notion-Signature does not match the body.", code="invalid_signature")
    try:
        event = NotionEvent.model_validate(payload)
    except ValidationError as exc:
        raise BadRequest(
            f"Not a Notion event: {exc.errors()[0]['msg']} at "
            f"{'.'.join(map(str, exc.errors()[0]['loc']))}",
            code="malformed_webhook",
        ) from exc
    return await _store(session, integration, event, payload)


async def _integration(session: AsyncSession, integration_id: str, path_key: str) -> Integration:
    try:
        parsed = uuid.UUID(integration_id)
    except ValueError:
        parsed = None
    integration = await NotionRepository(session).integration_by_id(parsed) if parsed else None
    expected = integration.webhook_path_key if integration else None
    # Compared as bytes: compare_digest refuses non-ASCII str, and a path can hold anything.
    if not expected or not hmac.compare_digest(expected.encode(), path_key.encode()):
        raise NotFound("No Notion integration at this URL.")
    assert integration is not None
    return integration


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        # Stored as jsonb, which refuses \u0000: NUL characters are dropped.
        payload = storable_deep(json.loads(body))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest("The body is not JSON.", code="malformed_webhook") from exc
    if not isinstance(payload, dict):
        raise BadRequest("The body must be a JSON object.", code="malformed_webhook")
    return payload


async def _handshake(session: AsyncSession, integration: Integration, token: Any) -> str:
    """Keep the subscription's verification token (encrypted) as pending.

    The handshake is unsigned: whoever posts it only sets what an admin is shown. It
    becomes the signing key once an admin confirms that exact token, and a later handshake
    never replaces a confirmed token (it waits as pending for its own confirmation).
    """
    if not isinstance(token, str) or not token.strip() or len(token) > 500:
        raise BadRequest("verification_token must be a non-empty string.", code="malformed_webhook")
    await session.refresh(integration, with_for_update=True)
    confirmed = credentials.confirmed_token(credentials.read(integration))
    if confirmed and hmac.compare_digest(confirmed.encode(), token.encode()):
        return "verified"
    credentials.store(
        integration,
        **{credentials.PENDING: token, credentials.LEGACY_PENDING: None},
    )
    integration.config = {**integration.config, "handshake_at": datetime.now(UTC).isoformat()}
    await session.flush()
    return "verification_pending"


async def _store(
    session: AsyncSession, integration: Integration, event: NotionEvent, payload: dict[str, Any]
) -> str:
    disconnected = integration.status == IntegrationStatus.disconnected
    inserted = await NotionRepository(session).add_event(
        {
            # Scoped by integration: one tenant's event id can never shadow another's.
            "dedupe_key": f"{integration.id}:{event.id}",
            "workspace_id": integration.workspace_id,
            "integration_id": integration.id,
            "status": "ignored" if disconnected else "received",
            "error": "the Notion integration is disconnected" if disconnected else None,
            "payload": payload,
            "occurred_at": event.timestamp,
        }
    )
    if not inserted:
        return "duplicate"
    if not disconnected:
        await defer(
            session,
            process_notion_events,
            lock=lock_for(integration.workspace_id),
            workspace_id=str(integration.workspace_id),
        )
    return "accepted"
