from datetime import UTC, date, datetime, timedelta

from httpx import AsyncClient

from backend.models import StageKind
from tests.backend.analytics import reference
from tests.backend.analytics.factories import HISTORY_DAYS, Tenants, Workspace


async def _forecast(client: AsyncClient, workspace: Workspace, **params: str) -> dict:
    response = await client.get(
        workspace.url("forecast"), params=params, headers=workspace.owner.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _assert_report(body: dict, expected: reference.Forecast) -> None:
    for period in body["periods"]:
        reference.assert_matches(
            period, expected.periods.get(period["label"], reference.EMPTY_FORECAST)
        )
    assert {p["label"] for p in body["periods"]} >= set(expected.periods)
    reference.assert_matches(body["totals"], expected.totals)
    reference.assert_matches(body["overdue"], expected.overdue)
    reference.assert_matches(body["unscheduled"], expected.unscheduled)


async def test_default_forecast_is_this_quarter_and_the_next_three(
    client: AsyncClient, tenants: Tenants
) -> None:
    body = await _forecast(client, tenants.a)
    today = datetime.now(UTC).date()
    start = reference.quarter_start(today)
    end = reference.first_of_month(start, 12) - timedelta(days=1)
    assert (body["group_by"], body["start"], body["end"]) == (
        "quarter",
        start.isoformat(),
        end.isoformat(),
    )
    assert body["as_of"] == today.isoformat()
    assert len(body["periods"]) == 4
    expected = reference.forecast(tenants.a, group_by="quarter", start=start, end=end, today=today)
    _assert_report(body, expected)
    assert expected.totals["open_count"] > 20  # type: ignore[operator]


async def test_monthly_forecast_over_past_and_future_equals_python_recomputation(
    client: AsyncClient, tenants: Tenants, now: datetime
) -> None:
    start, end = (now - timedelta(days=200)).date(), (now + timedelta(days=300)).date()
    body = await _forecast(
        client, tenants.a, group_by="month", **{"from": start.isoformat(), "to": end.isoformat()}
    )
    expected = reference.forecast(
        tenants.a, group_by="month", start=start, end=end, today=date.fromisoformat(body["as_of"])
    )
    _assert_report(body, expected)
    assert expected.totals["won_count"] > 20  # type: ignore[operator]


async def test_every_open_deal_is_in_a_period_overdue_or_unscheduled(
    client: AsyncClient, tenants: Tenants, now: datetime
) -> None:
    end = (now + timedelta(days=HISTORY_DAYS)).date()
    body = await _forecast(
        client, tenants.a, **{"from": now.date().isoformat(), "to": end.isoformat()}
    )
    open_deals = [d for d in tenants.a.live_deals() if d.stage.kind == StageKind.open]
    placed = (
        body["totals"]["open_count"]
        + body["overdue"]["deal_count"]
        + body["unscheduled"]["deal_count"]
    )
    assert placed == len(open_deals)
    assert body["overdue"]["deal_count"] > 0 and body["unscheduled"]["deal_count"] > 0


async def test_deal_due_today_is_scheduled_not_overdue(
    client: AsyncClient, tenants: Tenants
) -> None:
    body = await _forecast(client, tenants.a, group_by="month")
    today = date.fromisoformat(body["as_of"])
    due_today = [
        d
        for d in tenants.a.live_deals()
        if d.stage.kind == StageKind.open and d.expected_close_date == today
    ]
    assert due_today
    this_month = next(p for p in body["periods"] if p["label"] == reference.label(today, "month"))
    assert this_month["open_count"] >= len(due_today)
    expected = reference.forecast(
        tenants.a,
        group_by="month",
        start=date.fromisoformat(body["start"]),
        end=date.fromisoformat(body["end"]),
        today=today,
    )
    _assert_report(body, expected)


async def test_owner_filter_forecasts_only_that_owners_deals(
    client: AsyncClient, tenants: Tenants
) -> None:
    shared = tenants.shared
    body = await _forecast(client, tenants.a, owner_id=str(shared.id))
    expected = reference.forecast(
        tenants.a,
        group_by="quarter",
        start=date.fromisoformat(body["start"]),
        end=date.fromisoformat(body["end"]),
        today=date.fromisoformat(body["as_of"]),
        owner_id=shared.id,
    )
    _assert_report(body, expected)
