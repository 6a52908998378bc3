"""Issue 10: a NUL character or an out-of-range value anywhere in a request is a 4xx in the
one error shape naming the field, never a 500 (Postgres refuses NUL in text, and dates or
amounts beyond what the database and the period arithmetic hold used to overflow)."""

import base64
import json
from typing import Any

import pytest
from httpx import AsyncClient, Response

from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("database")

NUL = "a\u0000b"


def assert_rejected(response: Response, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    fields = [detail["field"] for detail in error["details"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields


async def test_nul_in_register_name(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": "nul@example.com", "password": PASSWORD, "name": NUL},
    )
    assert_rejected(response, "body.name")


async def test_nul_in_every_write_body(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    ws = f"/api/v1/workspaces/{pipeline.workspace_id}"
    deal = await make_deal(client, pipeline)
    activity = await client.post(
        f"{ws}/activities", json={"type": "note", "subject": "hello"}, headers=headers
    )
    assert activity.status_code == 201, activity.text
    integration = await client.post(
        f"{ws}/integrations",
        json={"type": "notion", "credentials": {"access_token": "secret-token-123"}},
        headers=headers,
    )
    assert integration.status_code == 201, integration.text
    stage_id = pipeline.stages["lead"]
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("PATCH", "/api/v1/users/me", {"name": NUL}, "body.name"),
        ("POST", "/api/v1/workspaces", {"name": NUL}, "body.name"),
        ("PATCH", ws, {"name": NUL}, "body.name"),
        ("POST", f"{ws}/api-keys", {"name": NUL, "role": "member"}, "body.name"),
        ("POST", f"{ws}/stages", {"name": NUL, "probability": "10"}, "body.name"),
        ("PATCH", f"{ws}/stages/{stage_id}", {"name": NUL}, "body.name"),
        ("POST", f"{ws}/deals", {"title": NUL}, "body.title"),
        ("POST", f"{ws}/deals", {"title": "ok", "company": NUL}, "body.company"),
        ("PATCH", f"{ws}/deals/{deal['id']}", {"title": NUL}, "body.title"),
        ("POST", f"{ws}/activities", {"type": "note", "subject": NUL}, "body.subject"),
        (
            "PATCH",
            f"{ws}/activities/{activity.json()['id']}",
            {"body": NUL},
            "body.body",
        ),
        (
            "POST",
            f"{ws}/integrations",
            {
                "type": "notion",
                "config": {"database": {"name": NUL}},
                "credentials": {"access_token": "secret-token-123"},
            },
            "body.config.database.name",
        ),
        (
            "PATCH",
            f"{ws}/integrations/{integration.json()['id']}",
            {"config": {"views": ["x", NUL]}},
            "body.config.views.1",
        ),
        (
            "PATCH",
            f"{ws}/integrations/{integration.json()['id']}",
            {"config": {NUL: "x"}},
            "body.config",
        ),
        ("POST", f"{ws}/chat", {"message": NUL}, "body.message"),
    ]
    for method, url, body, field in cases:
        response = await client.request(method, url, json=body, headers=headers)
        assert_rejected(response, field)


async def test_lone_surrogate_is_rejected(client: AsyncClient) -> None:
    # JSON may spell a lone surrogate; it cannot be stored as UTF-8.
    body = f'{{"email": "s@example.com", "password": "{PASSWORD}", "name": "a\\ud800b"}}'
    response = await client.post(
        "/api/v1/auth/register", content=body, headers={"content-type": "application/json"}
    )
    assert_rejected(response, "body.name")


async def test_nul_in_query_and_path(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    response = await client.get(f"{pipeline.deals_url}?q=a%00b", headers=pipeline.owner.headers)
    assert_rejected(response, "query.q")
    response = await client.get(f"{pipeline.deals_url}?a%00=1", headers=pipeline.owner.headers)
    assert response.status_code == 422, response.text
    response = await client.get(f"{pipeline.deals_url}/a%00b", headers=pipeline.owner.headers)
    assert_rejected(response, "path")


async def _activity_context(client: AsyncClient) -> tuple[Pipeline, str]:
    pipeline = await make_pipeline(client)
    return pipeline, f"/api/v1/workspaces/{pipeline.workspace_id}/activities"


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1850-01-01T00:00:00Z"]
)
async def test_out_of_range_activity_times(client: AsyncClient, moment: str) -> None:
    pipeline, url = await _activity_context(client)
    headers = pipeline.owner.headers
    for field in ("scheduled_at", "completed_at"):
        response = await client.post(
            url, json={"type": "task", "subject": "x", field: moment}, headers=headers
        )
        assert_rejected(response, f"body.{field}")
    created = await client.post(url, json={"type": "task", "subject": "x"}, headers=headers)
    response = await client.patch(
        f"{url}/{created.json()['id']}", json={"scheduled_at": moment}, headers=headers
    )
    assert_rejected(response, "body.scheduled_at")
    response = await client.get(url, params={"from": moment}, headers=headers)
    assert_rejected(response, "query.from")


async def test_out_of_range_analytics_dates(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    base = f"/api/v1/workspaces/{pipeline.workspace_id}/analytics"
    headers = pipeline.owner.headers
    response = await client.get(f"{base}/performance?from=9999-06-01", headers=headers)
    assert_rejected(response, "query.from")
    response = await client.get(f"{base}/forecast?from=9999-01-01&to=9999-12-31", headers=headers)
    assert_rejected(response, "query.from")
    response = await client.get(f"{base}/conversion?to=0001-01-01", headers=headers)
    assert_rejected(response, "query.to")
    # The edges themselves still work.
    response = await client.get(f"{base}/forecast?from=2999-01-01&to=2999-12-31", headers=headers)
    assert response.status_code == 200, response.text
    response = await client.get(
        f"{base}/performance?from=1900-01-01&to=1900-12-31", headers=headers
    )
    assert response.status_code == 200, response.text


async def test_out_of_range_deal_filters(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    for name, value in [
        ("amount_min", "1E+200000"),
        ("amount_max", "1e999999"),
        ("amount_min", "NaN"),
        ("amount_min", "Infinity"),
        ("close_date_from", "0001-01-01"),
        ("close_date_to", "9999-12-31"),
    ]:
        response = await client.get(pipeline.deals_url, params={name: value}, headers=headers)
        assert_rejected(response, f"query.{name}")
    response = await client.get(
        pipeline.deals_url, params={"amount_min": "9999999999999999.99"}, headers=headers
    )
    assert response.status_code == 200, response.text


async def test_out_of_range_deal_bodies(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    for field, value in [
        ("amount", "1E+200000"),
        ("amount", "NaN"),
        ("expected_close_date", "9999-12-31"),
        ("expected_close_date", "0001-01-01"),
    ]:
        response = await client.post(
            pipeline.deals_url, json={"title": "x", field: value}, headers=headers
        )
        assert_rejected(response, f"body.{field}")
    stages = f"/api/v1/workspaces/{pipeline.workspace_id}/stages"
    response = await client.post(
        stages, json={"name": "x", "probability": "10", "position": 2**63}, headers=headers
    )
    assert_rejected(response, "body.position")


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ["amount", "1e999999", "00000000-0000-0000-0000-000000000000"],
        ["-amount", 1e308, "00000000-0000-0000-0000-000000000000"],
        ["title", NUL, "00000000-0000-0000-0000-000000000000"],
        ["title", ["nested"], "00000000-0000-0000-0000-000000000000"],
        ["-created_at", "9999-12-31T23:59:59-12:00", "00000000-0000-0000-0000-000000000000"],
        ["expected_close_date", "2024-02-30", "00000000-0000-0000-0000-000000000000"],
        ["-created_at", "2024-01-01T00:00:00+00:00", "a\u0000"],
    ],
)
async def test_forged_deal_cursor(client: AsyncClient, values: list[Any]) -> None:
    pipeline = await make_pipeline(client)
    response = await client.get(
        pipeline.deals_url,
        params={"sort": values[0], "cursor": _cursor(values)},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "path",
    ["activities", "insights", "chat/conversations", "imports", "integrations/hubspot/sync-runs"],
)
async def test_forged_cursors_elsewhere(client: AsyncClient, path: str) -> None:
    pipeline = await make_pipeline(client)
    url = f"/api/v1/workspaces/{pipeline.workspace_id}/{path}"
    for values in (
        ["9999-12-31T23:59:59-12:00", "00000000-0000-0000-0000-000000000000"],
        ["high", "9999-12-31T23:59:59-12:00", "00000000-0000-0000-0000-000000000000"],
        [NUL, NUL],
        [NUL, NUL, NUL],
    ):
        response = await client.get(
            url, params={"cursor": _cursor(values)}, headers=pipeline.owner.headers
        )
        assert response.status_code == 400, (path, values, response.text)
        assert response.json()["error"]["code"] == "invalid_cursor"


async def test_dashboard_preferences_target_bounds(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    url = f"/api/v1/workspaces/{pipeline.workspace_id}/preferences"
    for value in ("1E+200000", "NaN", "-1"):
        response = await client.patch(
            url, json={"monthly_target": value}, headers=pipeline.owner.headers
        )
        assert_rejected(response, "body.monthly_target")


async def test_users_me_name_after_register(client: AsyncClient) -> None:
    user = await make_user(client)
    response = await client.patch(
        "/api/v1/users/me", json={"name": "x\u0000"}, headers=user.headers
    )
    assert_rejected(response, "body.name")
