"""Every bad input gets a clear 4xx in the one error shape; every response carries the headers."""

import pytest
from httpx import AsyncClient

from backend.config import settings
from tests.factories import make_user, make_workspace


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


async def test_malformed_json_is_400(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        content=b'{"email": "a@b.co",',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert_error_shape(response.json(), "malformed_json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@b.co", "password": "longenough", "name": "A", "admin": True}, "body.admin"),
        ({"email": "not-an-email", "password": "longenough", "name": "A"}, "body.email"),
        ({"email": "a@b.co", "password": "short", "name": "A"}, "body.password"),
        ({"email": "a@b.co", "password": 12345678, "name": "A"}, "body.password"),
        ({"email": "a@b.co", "password": "longenough"}, "body.name"),
        ({"email": "a@b.co", "password": "longenough", "name": "   "}, "body.name"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(
    client: AsyncClient, body: dict, field: str
) -> None:
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert_error_shape(response.json(), "validation_error")
    assert field in [d["field"] for d in response.json()["error"]["details"]]


async def test_non_object_body_is_422(client: AsyncClient) -> None:
    response = await client.post("/api/v1/auth/login", json=["a", "b"])
    assert response.status_code == 422
    assert_error_shape(response.json(), "validation_error")


async def test_bad_uuid_in_path_is_422(client: AsyncClient) -> None:
    owner = await make_user(client)
    response = await client.get("/api/v1/workspaces/not-a-uuid", headers=owner.headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "path.workspace_id"


async def test_oversized_body_is_413(client: AsyncClient) -> None:
    payload = b'{"name": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    response = await client.post(
        "/api/v1/auth/register", content=payload, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert_error_shape(response.json(), "payload_too_large")


async def test_oversized_chunked_body_is_413(client: AsyncClient) -> None:
    async def chunks():
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536

    response = await client.post(
        "/api/v1/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


async def test_unknown_route_and_method_use_the_shape(client: AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")
    wrong_method = await client.delete("/api/v1/auth/login")
    assert wrong_method.status_code == 405
    assert_error_shape(wrong_method.json(), "method_not_allowed")


async def test_security_headers_and_request_id_on_every_response(client: AsyncClient) -> None:
    ok = await client.get("/healthz")
    error = await client.get("/api/v1/users/me")
    for response in (ok, error):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert len(response.headers["x-request-id"]) >= 16
        assert "strict-transport-security" not in response.headers
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"


async def test_hsts_when_served_over_https(client: AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in response.headers["strict-transport-security"]


async def test_cors_allows_only_configured_origins(client: AsyncClient) -> None:
    allowed = settings.cors_origins[0]
    preflight = {"Access-Control-Request-Method": "POST"}
    good = await client.options("/api/v1/auth/login", headers={"Origin": allowed, **preflight})
    assert good.headers["access-control-allow-origin"] == allowed
    bad = await client.options(
        "/api/v1/auth/login", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in bad.headers


async def test_openapi_docs_are_served(client: AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/workspaces/{workspace_id}/members" in spec["paths"]


async def test_workspace_name_must_not_be_blank(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    response = await client.patch(
        f"/api/v1/workspaces/{ws}", json={"name": ""}, headers=owner.headers
    )
    assert response.status_code == 422
