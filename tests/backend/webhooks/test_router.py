"""POST /api/v1/webhooks/hubspot: signed, stored once, queued in the same transaction."""

import hashlib
import json
import time
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from backend.webhooks import service
from tests.backend.webhooks.factories import (
    BASE_URL,
    CLIENT_SECRET,
    WEBHOOK_PATH,
    change,
    connect_hubspot,
    deliver,
    event,
    rows,
    signed_headers,
)
from tests.shared_data import SHARED_DATA

PAYLOADS = SHARED_DATA / "hubspot" / "payloads"


def stored(engine: Engine) -> list[Any]:
    return rows(engine, "select status, workspace_id, payload from webhook_event")


def jobs(engine: Engine) -> list[Any]:
    return rows(engine, "select task_name, args from procrastinate_jobs")


async def test_a_signed_batch_is_stored_and_one_job_queued(
    client: AsyncClient, sync_engine: Engine
) -> None:
    hub = await connect_hubspot(client, sync_engine)
    batch = [event("deal.creation", 1, 1000), change(1, "amount", "10", 2000)]

    response = await deliver(client, batch)

    assert response.status_code == 204, response.text
    assert sorted(r.status for r in stored(sync_engine)) == ["received", "received"]
    assert [(j.task_name, j.args) for j in jobs(sync_engine)] == [
        ("webhooks.process_hubspot_events", {"workspace_id": hub.workspace_id})
    ]


async def test_redelivered_and_duplicated_events_are_stored_once(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)
    batch = [event("deal.creation", 1, 1000), change(1, "amount", "10", 2000)]

    for _ in range(3):
        assert (await deliver(client, batch + batch)).status_code == 204

    assert len(stored(sync_engine)) == 2
    assert len(jobs(sync_engine)) == 1  # nothing new, nothing queued


async def test_events_differing_only_by_value_are_both_kept_although_event_ids_match(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)

    await deliver(client, [change(1, "amount", "10", 2000), change(1, "amount", "20", 2000)])

    assert len(stored(sync_engine)) == 2


async def test_an_unknown_portal_is_accepted_and_recorded_as_ignored(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await connect_hubspot(client, sync_engine)

    response = await deliver(client, [event("deal.creation", 1, 1000, portal_id=999)])

    assert response.status_code == 204
    [row] = stored(sync_engine)
    assert (row.status, row.workspace_id) == ("ignored", None)
    assert jobs(sync_engine) == []


async def test_a_portal_id_beyond_64_bits_is_recorded_as_ignored(
    client: AsyncClient, sync_engine: Engine
) -> None:
    response = await deliver(client, [event("deal.creation", 1, 1000, portal_id=10**20)])

    assert response.status_code == 204
    assert [r.status for r in stored(sync_engine)] == ["ignored"]


@pytest.mark.parametrize(
    "name", ["docs_legacy_webhooks_example_batch.json", "docs_v1_validation_example_body.raw.json"]
)
async def test_the_docs_payloads_are_accepted_exactly_as_sent(
    client: AsyncClient, sync_engine: Engine, name: str
) -> None:
    body = (PAYLOADS / name).read_bytes()

    response = await deliver(client, body)

    assert response.status_code == 204
    assert [r.payload for r in stored(sync_engine)] == json.loads(body)


async def test_the_prismatic_example_delivery_body_is_accepted(
    client: AsyncClient, sync_engine: Engine
) -> None:
    delivery = json.loads((PAYLOADS / "prismatic_example_delivery_with_headers.json").read_text())

    response = await deliver(client, delivery["body"])

    assert response.status_code == 204
    assert [r.payload for r in stored(sync_engine)] == delivery["body"]


async def test_a_bad_signature_is_401_in_the_error_shape(
    client: AsyncClient, sync_engine: Engine
) -> None:
    body = json.dumps([event("deal.creation", 1, 1000)]).encode()
    headers = signed_headers(body, secret="someone-else")

    response = await client.post(WEBHOOK_PATH, content=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert stored(sync_engine) == []


async def test_a_missing_signature_is_401(client: AsyncClient, sync_engine: Engine) -> None:
    response = await client.post(WEBHOOK_PATH, content=b"[]")

    assert response.status_code == 401


async def test_a_stale_timestamp_is_401(client: AsyncClient, sync_engine: Engine) -> None:
    body = json.dumps([event("deal.creation", 1, 1000)]).encode()
    old = int(time.time() * 1000) - 6 * 60 * 1000

    response = await client.post(
        WEBHOOK_PATH, content=body, headers=signed_headers(body, timestamp_ms=old)
    )

    assert response.status_code == 401
    assert stored(sync_engine) == []


async def test_the_signature_covers_the_query_string_as_sent(
    client: AsyncClient, sync_engine: Engine
) -> None:
    body = json.dumps([event("deal.creation", 1, 1000)]).encode()
    path = WEBHOOK_PATH + "?app=a%3Ab%20c"
    headers = signed_headers(body, uri=BASE_URL + path)

    assert (await client.post(path, content=body, headers=headers)).status_code == 204
    assert (await client.post(WEBHOOK_PATH, content=body, headers=headers)).status_code == 401


def _v1_headers(body: bytes) -> dict[str, str]:
    digest = hashlib.sha256(CLIENT_SECRET.encode() + body).hexdigest()
    return {"X-HubSpot-Signature": digest, "X-HubSpot-Signature-Version": "v1"}


async def test_a_v1_signed_delivery_is_accepted(client: AsyncClient, sync_engine: Engine) -> None:
    body = (PAYLOADS / "docs_v1_validation_example_body.raw.json").read_bytes()

    response = await client.post(WEBHOOK_PATH, content=body, headers=_v1_headers(body))

    assert response.status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"objectId": 1}',
        b"[]",
        b"[1, 2]",
        b'[{"objectId": 1}]',
        json.dumps([event("deal.creation", i, 1000) for i in range(101)]).encode(),
    ],
    ids=["not-json", "object", "empty", "not-objects", "no-portal", "over-100"],
)
async def test_a_malformed_body_is_400(
    client: AsyncClient, sync_engine: Engine, body: bytes
) -> None:
    response = await deliver(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_webhook"
    assert stored(sync_engine) == []


async def test_a_database_outage_mid_request_is_5xx_and_stores_nothing(
    client: AsyncClient, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await connect_hubspot(client, sync_engine)
    real_defer = service.defer

    async def connection_dies(session: Any, *args: Any, **kwargs: Any) -> int:
        # The events are inserted; now the server drops this request's connection.
        connection = await session.connection()
        await connection.exec_driver_sql("select pg_terminate_backend(pg_backend_pid())")
        return await real_defer(session, *args, **kwargs)

    monkeypatch.setattr(service, "defer", connection_dies)
    transport = ASGITransport(app=client._transport.app, raise_app_exceptions=False)  # type: ignore[attr-defined]
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await deliver(http, [event("deal.creation", 1, 1000)])

    assert response.status_code >= 500
    assert stored(sync_engine) == []
    assert jobs(sync_engine) == []


async def test_a_portal_stays_with_the_workspace_that_connected_it_first(
    client: AsyncClient, sync_engine: Engine
) -> None:
    first = await connect_hubspot(client, sync_engine)
    with pytest.raises(IntegrityError, match="uq_integration_hubspot_portal_id"):
        await connect_hubspot(client, sync_engine)  # a second live claim of the portal

    assert (await deliver(client, [event("deal.creation", 1, 1000)])).status_code == 204

    assert [str(r.workspace_id) for r in stored(sync_engine)] == [first.workspace_id]
