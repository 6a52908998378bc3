import time

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import settings
from backend.db import SessionDep
from backend.hubspot import credentials
from backend.webhooks import hubspot_signature, service
from backend.webhooks.repository import HubspotRepository
from backend.webhooks.schemas import HubSpotBatch, MalformedBody, parse_batch
from kit.errors import BadRequest, Unauthorized

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post("/hubspot", status_code=status.HTTP_204_NO_CONTENT)
async def hubspot_webhook(request: Request, session: SessionDep) -> Response:
    """HubSpot's event deliveries: signature checked, each event stored once, processed later."""
    body = await request.body()
    batch = None
    try:
        _verify(request, body, settings.hubspot_client_secret)
    except hubspot_signature.InvalidSignature as exc:
        batch = await _batch_signed_by_portals_private_app(session, request, body)
        if batch is None:
            raise Unauthorized(str(exc), code="invalid_signature") from exc
    if batch is None:
        try:
            batch = parse_batch(body)
        except MalformedBody as exc:
            raise BadRequest(str(exc), code="malformed_webhook") from exc
    await service.receive_hubspot(session, batch)
    # Committed before answering: a 2xx must mean the events are stored; a failure here is
    # a 5xx, which HubSpot retries.
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _verify(request: Request, body: bytes, secret: str) -> None:
    hubspot_signature.verify(
        request.headers,
        client_secret=secret,
        method=request.method,
        uri=_uri_as_called(request),
        body=body,
        now_ms=int(time.time() * 1000),
    )


async def _batch_signed_by_portals_private_app(
    session: AsyncSession, request: Request, body: bytes
) -> HubSpotBatch | None:
    """The batch, if a private app connected with its own secret signed this portal's
    delivery; else None.

    The body is read before it is trusted only to learn which portal's secret to try.
    """
    try:
        batch = parse_batch(body)
    except MalformedBody:
        return None
    if len(batch.portal_ids) != 1:
        return None
    [portal] = batch.portal_ids
    integration = (await HubspotRepository(session).integrations_by_portal({portal})).get(portal)
    secret = credentials.webhook_secret(integration) if integration else None
    if not secret:
        return None
    try:
        _verify(request, body, secret)
    except hubspot_signature.InvalidSignature:
        return None
    return batch


def _uri_as_called(request: Request) -> str:
    """Public base URL + the path and query exactly as sent (Starlette's `url` decodes them)."""
    path = request.scope.get("raw_path") or request.scope["path"].encode()
    query = request.scope.get("query_string", b"")
    uri = settings.public_base_url.rstrip("/") + path.decode("latin-1")
    return uri + "?" + query.decode("latin-1") if query else uri
