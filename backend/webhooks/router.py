import time

from fastapi import APIRouter, Request, Response, status

from backend.config import settings
from backend.db import SessionDep
from backend.webhooks import hubspot_signature, service
from backend.webhooks.schemas import MalformedBody, parse_events
from kit.errors import BadRequest, Unauthorized

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])


@router.post("/hubspot", status_code=status.HTTP_204_NO_CONTENT)
async def hubspot_webhook(request: Request, session: SessionDep) -> Response:
    """HubSpot's event deliveries: signature checked, each event stored once, processed later."""
    body = await request.body()
    try:
        hubspot_signature.verify(
            request.headers,
            client_secret=settings.hubspot_client_secret,
            method=request.method,
            uri=_uri_as_called(request),
            body=body,
            now_ms=int(time.time() * 1000),
        )
    except hubspot_signature.InvalidSignature as exc:
        raise Unauthorized(str(exc), code="invalid_signature") from exc
    try:
        events = parse_events(body)
    except MalformedBody as exc:
        raise BadRequest(str(exc), code="malformed_webhook") from exc
    await service.receive_hubspot(session, events)
    # Committed before answering: a 2xx must mean the events are stored; a failure here is
    # a 5xx, which HubSpot retries.
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _uri_as_called(request: Request) -> str:
    """Public base URL + the path and query exactly as sent (Starlette's `url` decodes them)."""
    path = request.scope.get("raw_path") or request.scope["path"].encode()
    query = request.scope.get("query_string", b"")
    uri = settings.public_base_url.rstrip("/") + path.decode("latin-1")
    return uri + "?" + query.decode("latin-1") if query else uri
