import pytest
from httpx import AsyncClient
from pydantic import SecretStr

from ai_core.config import settings
from kit.health import migrations_head


def assert_error_shape(body: dict, code: str) -> dict:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_healthz_answers_without_credentials(ai_client: AsyncClient) -> None:
    response = await ai_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_capabilities_refuse_a_request_without_a_token(ai_client: AsyncClient) -> None:
    response = await ai_client.get("/v1/capabilities")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert_error_shape(response.json(), "invalid_service_token")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token",
        f"Bearer {settings.service_token[:-1]}",
        f"Bearer {settings.service_token}x",
        f"Basic {settings.service_token}",
        settings.service_token,
        "Bearer ",
    ],
    ids=["wrong", "prefix", "longer", "basic-scheme", "no-scheme", "empty"],
)
async def test_capabilities_refuse_anything_but_the_service_token(
    ai_client: AsyncClient, authorization: str
) -> None:
    response = await ai_client.get("/v1/capabilities", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert_error_shape(response.json(), "invalid_service_token")


@pytest.mark.parametrize("key, llm", [(None, False), (SecretStr("sk-ant-test"), True)])
async def test_capabilities_answer_the_service_token(
    ai_client: AsyncClient, monkeypatch: pytest.MonkeyPatch, key: SecretStr | None, llm: bool
) -> None:
    monkeypatch.setattr(settings, "anthropic_api_key", key)
    response = await ai_client.get("/v1/capabilities", headers=bearer(settings.service_token))
    assert response.status_code == 200
    assert response.json() == {"llm": llm, "model": settings.anthropic_model}


async def test_readyz_is_503_when_the_backend_is_unreachable(
    ai_client: AsyncClient, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    backend_url = f"http://127.0.0.1:{closed_port}"
    monkeypatch.setattr(settings, "backend_url", backend_url)
    response = await ai_client.get("/readyz")
    assert response.status_code == 503
    error = assert_error_shape(response.json(), "backend_unreachable")
    assert backend_url in error["message"]
    assert error["details"]["backend_url"] == backend_url
    assert "ConnectError" in error["details"]["reason"]


async def test_readyz_relays_the_backends_reason_when_it_is_not_ready(
    ai_client: AsyncClient, monkeypatch: pytest.MonkeyPatch, backend_without_database: str
) -> None:
    monkeypatch.setattr(settings, "backend_url", backend_without_database)
    response = await ai_client.get("/readyz")
    assert response.status_code == 503
    error = assert_error_shape(response.json(), "backend_not_ready")
    assert error["details"]["status"] == 503
    assert error["details"]["reason"]["code"] == "database_unavailable"


async def test_readyz_is_200_when_the_backend_is_ready(
    ai_client: AsyncClient, monkeypatch: pytest.MonkeyPatch, ready_backend: str
) -> None:
    monkeypatch.setattr(settings, "backend_url", ready_backend)
    response = await ai_client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "backend": {"status": "ready", "schema": migrations_head()},
    }


async def test_openapi_documents_the_service_token_on_protected_routes(
    ai_client: AsyncClient,
) -> None:
    assert (await ai_client.get("/docs")).status_code == 200
    spec = (await ai_client.get("/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["ServiceToken"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/capabilities"]["get"]["security"] == [{"ServiceToken": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]
