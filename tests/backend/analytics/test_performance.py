import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from httpx import AsyncClient

from tests.backend.analytics import reference
from tests.backend.analytics.factories import HISTORY_DAYS, Tenants, Workspace


async def _performance(client: AsyncClient, workspace: Workspace, **params: str) -> dict:
    response = await client.get(
        workspace.url("performance"), params=params, headers=workspace.owner.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _owner(raw: str | None) -> uuid.UUID | None:
    return uuid.UUID(raw) if raw else None


def _assert_report(body: dict, expected: reference.Performance) -> None:
    for period in body["periods"]:
        reference.assert_matches(
            period, expected.periods.get(period["label"], reference.EMPTY_PERFORMANCE)
        )
        for cell in period["owners"]:
            reference.assert_matches(
                cell, expected.cells[(period["label"], _owner(cell["owner_id"]))]
            )
        listed = {_owner(c["owner_id"]) for c in period["owners"]}
        assert listed == {o for (p, o) in expected.cells if p == period["label"]}
    assert {p["label"] for p in body["periods"]} >= set(expected.periods)
    assert {_owner(o["owner_id"]) for o in body["owners"]} == set(expected.owners)
    for owner in body["owners"]:
        reference.assert_matches(owner, expected.owners[_owner(owner["owner_id"])])
    reference.assert_matches(body["totals"], expected.totals)


async def test_monthly_performance_over_all_history_equals_python_recomputation(
    client: AsyncClient, tenants: Tenants, now: datetime
) -> None:
    start, end = (now - timedelta(days=HISTORY_DAYS + 1)).date(), now.date()
    body = await _performance(
        client, tenants.a, group_by="month", **{"from": start.isoformat(), "to": end.isoformat()}
    )
    expected = reference.performance(tenants.a, group_by="month", start=start, end=end)
    _assert_report(body, expected)
    assert len(body["periods"]) in (18, 19, 20)
    assert (body["periods"][0]["start"], body["periods"][-1]["end"]) == (
        start.isoformat(),
        end.isoformat(),
    )
    assert expected.totals["won_count"] > 50 and expected.totals["lost_count"] > 50  # type: ignore[operator]


async def test_quarterly_default_covers_this_quarter_and_the_three_before(
    client: AsyncClient, tenants: Tenants
) -> None:
    body = await _performance(client, tenants.a, group_by="quarter")
    this_quarter = reference.quarter_start(datetime.now(UTC).date())
    start, end = (
        reference.first_of_month(this_quarter, -9),
        reference.first_of_month(this_quarter, 3) - timedelta(days=1),
    )
    assert (body["start"], body["end"]) == (start.isoformat(), end.isoformat())
    assert [p["start"] for p in body["periods"]] == [
        reference.first_of_month(start, 3 * n).isoformat() for n in range(4)
    ]
    _assert_report(body, reference.performance(tenants.a, group_by="quarter", start=start, end=end))


async def test_monthly_default_covers_this_month_and_the_eleven_before(
    client: AsyncClient, tenants: Tenants
) -> None:
    body = await _performance(client, tenants.a)
    this_month = datetime.now(UTC).date().replace(day=1)
    start = reference.first_of_month(this_month, -11)
    end = reference.first_of_month(this_month, 1) - timedelta(days=1)
    assert (body["group_by"], body["start"], body["end"]) == (
        "month",
        start.isoformat(),
        end.isoformat(),
    )
    assert len(body["periods"]) == 12
    _assert_report(body, reference.performance(tenants.a, group_by="month", start=start, end=end))


async def test_owner_filter_keeps_only_that_owner(
    client: AsyncClient, tenants: Tenants, now: datetime
) -> None:
    shared = tenants.shared
    start, end = (now - timedelta(days=HISTORY_DAYS + 1)).date(), now.date()
    body = await _performance(
        client,
        tenants.a,
        group_by="quarter",
        owner_id=str(shared.id),
        **{"from": start.isoformat(), "to": end.isoformat()},
    )
    expected = reference.performance(
        tenants.a, group_by="quarter", start=start, end=end, owner_id=shared.id
    )
    _assert_report(body, expected)
    assert [o["owner_id"] for o in body["owners"]] == [str(shared.id)]


async def test_owners_are_named_and_ranked_by_won_amount(
    client: AsyncClient, tenants: Tenants, now: datetime
) -> None:
    start, end = (now - timedelta(days=HISTORY_DAYS + 1)).date(), now.date()
    body = await _performance(
        client, tenants.a, **{"from": start.isoformat(), "to": end.isoformat()}
    )
    names = {o["owner_id"]: o["owner_name"] for o in body["owners"]}
    assert names == {
        str(tenants.a.owner.id): "Ann",
        str(tenants.a.members[0].id): "Bo",
        str(tenants.shared.id): "Cy",
        None: None,
    }
    won = [Decimal(o["won_amount"]) for o in body["owners"]]
    assert won == sorted(won, reverse=True)


async def test_second_workspace_gets_its_own_performance(
    client: AsyncClient, tenants: Tenants, now: datetime
) -> None:
    start, end = (now - timedelta(days=HISTORY_DAYS + 1)).date(), now.date()
    body = await _performance(
        client, tenants.b, **{"from": start.isoformat(), "to": end.isoformat()}
    )
    _assert_report(body, reference.performance(tenants.b, group_by="month", start=start, end=end))
