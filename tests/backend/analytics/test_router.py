import pytest
from httpx import AsyncClient

from tests.backend.analytics.factories import Tenants
from tests.factories import make_user, make_workspace

ENDPOINTS = ["pipeline", "conversion", "performance", "forecast"]


async def test_outsider_gets_404_on_every_endpoint(client: AsyncClient, tenants: Tenants) -> None:
    for endpoint in ENDPOINTS:
        for params in ({}, {"group_by": "week", "from": "nonsense"}):
            response = await client.get(
                tenants.a.url(endpoint), params=params, headers=tenants.outsider.headers
            )
            assert response.status_code == 404, (endpoint, response.text)
            assert response.json()["error"]["code"] == "not_found"


async def test_viewer_reads_every_endpoint(client: AsyncClient, tenants: Tenants) -> None:
    for endpoint in ENDPOINTS:
        as_viewer = await client.get(tenants.a.url(endpoint), headers=tenants.viewer.headers)
        as_owner = await client.get(tenants.a.url(endpoint), headers=tenants.a.owner.headers)
        assert as_viewer.status_code == 200, (endpoint, as_viewer.text)
        assert as_viewer.json() == as_owner.json()


async def test_anonymous_caller_is_rejected(client: AsyncClient, tenants: Tenants) -> None:
    for endpoint in ENDPOINTS:
        response = await client.get(tenants.a.url(endpoint))
        assert response.status_code == 401


@pytest.mark.parametrize(
    ("endpoint", "params", "field"),
    [
        ("performance", {"group_by": "week"}, "query.group_by"),
        ("forecast", {"group_by": "year"}, "query.group_by"),
        ("performance", {"from": "2026-05-02", "to": "2026-05-01"}, "query.from"),
        ("forecast", {"from": "2026-05-02", "to": "2026-05-01"}, "query.from"),
        ("conversion", {"from": "2026-05-02", "to": "2026-05-01"}, "query.from"),
        ("conversion", {"from": "2026-02-30"}, "query.from"),
        ("forecast", {"to": "tomorrow"}, "query.to"),
        ("performance", {"from": "2000-01-01", "to": "2026-01-01"}, "query.to"),
        ("pipeline", {"owner_id": "not-a-uuid"}, "query.owner_id"),
        ("pipeline", {"include_closed": "maybe"}, "query.include_closed"),
    ],
)
async def test_bad_parameters_get_422_in_the_error_shape(
    client: AsyncClient, tenants: Tenants, endpoint: str, params: dict[str, str], field: str
) -> None:
    response = await client.get(
        tenants.a.url(endpoint), params=params, headers=tenants.a.owner.headers
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in [d["field"] for d in error["details"]]


async def test_missing_bound_makes_a_twelve_month_window(
    client: AsyncClient, tenants: Tenants
) -> None:
    headers = tenants.a.owner.headers
    only_from = await client.get(
        tenants.a.url("performance"), params={"from": "2026-02-15"}, headers=headers
    )
    assert (only_from.json()["start"], only_from.json()["end"]) == ("2026-02-15", "2027-02-14")
    only_to = await client.get(
        tenants.a.url("forecast"), params={"to": "2026-06-30"}, headers=headers
    )
    assert (only_to.json()["start"], only_to.json()["end"]) == ("2025-07-01", "2026-06-30")


async def test_empty_workspace_gets_zeros_not_errors(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner, "Brand new")
    base = f"/api/v1/workspaces/{ws}/analytics"
    pipeline = (await client.get(f"{base}/pipeline", headers=owner.headers)).json()
    assert pipeline["totals"] == {"deal_count": 0, "amount": "0.00", "weighted_amount": "0.00"}
    assert all(s["deal_count"] == 0 for s in pipeline["stages"])

    conversion = (await client.get(f"{base}/conversion", headers=owner.headers)).json()
    assert all(s["entered"] == 0 and s["median_days"] is None for s in conversion["stages"])

    performance = (await client.get(f"{base}/performance", headers=owner.headers)).json()
    assert len(performance["periods"]) == 12 and performance["owners"] == []
    assert performance["totals"] == {
        "won_count": 0,
        "lost_count": 0,
        "win_rate": None,
        "won_amount": "0.00",
        "average_won_amount": None,
        "median_cycle_days": None,
    }

    forecast = (await client.get(f"{base}/forecast", headers=owner.headers)).json()
    assert len(forecast["periods"]) == 4
    assert forecast["totals"]["forecast_amount"] == "0.00"
    assert forecast["overdue"]["deal_count"] == forecast["unscheduled"]["deal_count"] == 0
