"""Values the database or a vendor's API cannot take are a 422 naming the field, not a 5xx:
non-finite numbers in an integration's config (jsonb has none), and tokens that no HTTP header
can carry (found by the bad-input sweep, tests/backend/hardening)."""

import pytest
from httpx import AsyncClient

from tests.factories import make_user, make_workspace

UNSENDABLE_TOKENS = [
    "pat-na1-\r\nX-Injected: 1",
    "pat na1 with spaces",
    "pat-na1-\u00e9\u00e9\u00e9",
]


def fields(response_json: dict) -> list[str]:
    return [d["field"] for d in response_json["error"]["details"]]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1E+200000"])
async def test_config_numbers_must_be_finite(client: AsyncClient, number: str) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    body = (
        '{"type": "hubspot", "credentials": {"access_token": "pat-na1-0000"},'
        f' "config": {{"pipelines": {{"limit": {number}}}}}}}'
    )
    response = await client.post(
        f"/api/v1/workspaces/{ws}/integrations",
        content=body,
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert fields(response.json()) == ["body.config"]


@pytest.mark.parametrize("token", UNSENDABLE_TOKENS)
async def test_hubspot_token_must_fit_a_header(client: AsyncClient, token: str) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    response = await client.post(
        f"/api/v1/workspaces/{ws}/integrations/hubspot/private-app",
        json={"access_token": token},
        headers=owner.headers,
    )
    assert response.status_code == 422, response.text
    assert fields(response.json()) == ["body.access_token"]
    assert token not in response.text


@pytest.mark.parametrize("token", UNSENDABLE_TOKENS)
async def test_notion_token_must_fit_a_header(client: AsyncClient, token: str) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    response = await client.post(
        f"/api/v1/workspaces/{ws}/integrations/notion",
        json={"access_token": token, "deals_database_id": "0" * 32},
        headers=owner.headers,
    )
    assert response.status_code == 422, response.text
    assert fields(response.json()) == ["body.access_token"]
    assert token not in response.text
