"""GET .../dashboard: cards against the previous period, charts and what needs attention."""

import uuid
from decimal import Decimal

from httpx import AsyncClient

from tests.backend.dashboard.conftest import DemoWorkspace
from tests.factories import make_user, make_workspace


async def dashboard(client: AsyncClient, demo: DemoWorkspace, **params: str) -> dict:
    response = await client.get(f"{demo.base}/dashboard", params=params, headers=demo.owner.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_new_workspace_says_it_has_no_deals_and_shows_zeros(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)

    response = await client.get(f"/api/v1/workspaces/{ws}/dashboard", headers=owner.headers)

    body = response.json()
    assert response.status_code == 200
    assert body["has_deals"] is False
    assert Decimal(body["cards"]["open_pipeline"]["value"]) == 0
    assert body["cards"]["win_rate"]["value"] is None
    assert body["at_risk"] == []


async def test_every_card_and_chart_is_populated_from_demo_data(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    body = await dashboard(client, demo, period="year")

    cards = body["cards"]
    assert body["has_deals"] is True
    assert Decimal(cards["open_pipeline"]["value"]) > 0
    assert cards["open_pipeline"]["count"] > 0
    assert (
        0 < Decimal(cards["weighted_pipeline"]["value"]) < Decimal(cards["open_pipeline"]["value"])
    )
    assert Decimal(cards["won"]["value"]) > 0
    assert 0 < cards["win_rate"]["value"] < 1
    forecast = cards["forecast"]
    assert Decimal(forecast["won"]) <= Decimal(forecast["p10"]) <= Decimal(forecast["p50"])
    assert Decimal(forecast["p50"]) <= Decimal(forecast["p90"])
    assert any(Decimal(s["amount"]) > 0 for s in body["pipeline_by_stage"])
    assert len(body["forecast_by_month"]) == 12
    assert len(body["won_trend"]) == 12
    assert sum(Decimal(m["won"]) for m in body["won_trend"]) > 0
    assert body["funnel"][0]["deals"] > 0
    assert body["activity_by_owner"][0]["total"] > 0
    assert body["at_risk"] and body["newest_insights"]


async def test_the_funnel_narrows_from_the_first_stage_to_won(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    funnel = (await dashboard(client, demo, period="year"))["funnel"]

    counts = [step["deals"] for step in funnel]
    assert counts == sorted(counts, reverse=True)
    assert funnel[-1]["stage"] == "Won"
    assert funnel[0]["conversion"] is None
    assert all(0 <= step["conversion"] <= 1 for step in funnel[1:] if step["conversion"])


async def test_a_new_deal_adds_its_amount_to_the_open_pipeline(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    before = await dashboard(client, demo)
    created = await client.post(
        f"{demo.base}/deals",
        json={"title": "Globex expansion", "amount": "12345.67"},
        headers=demo.owner.headers,
    )
    assert created.status_code == 201

    after = await dashboard(client, demo)

    grown = Decimal(after["cards"]["open_pipeline"]["value"]) - Decimal(
        before["cards"]["open_pipeline"]["value"]
    )
    assert grown == Decimal("12345.67")
    assert after["cards"]["open_pipeline"]["count"] == before["cards"]["open_pipeline"]["count"] + 1


async def test_the_owner_filter_keeps_only_that_members_deals(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    everyone = await dashboard(client, demo)
    mine = await dashboard(client, demo, owner_id=str(demo.owner.id))
    nobody = await dashboard(client, demo, owner_id=str(uuid.uuid4()))

    total = Decimal(everyone["cards"]["open_pipeline"]["value"])
    assert 0 < Decimal(mine["cards"]["open_pipeline"]["value"]) < total
    assert Decimal(nobody["cards"]["open_pipeline"]["value"]) == 0
    assert nobody["activity_by_owner"] == []


async def test_the_source_filter_keeps_only_deals_from_that_source(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    total = Decimal((await dashboard(client, demo))["cards"]["open_pipeline"]["value"])
    by_source = [
        Decimal((await dashboard(client, demo, source=source))["cards"]["open_pipeline"]["value"])
        for source in ("manual", "hubspot", "notion", "import")
    ]

    assert sum(by_source) == total
    assert all(part < total for part in by_source)


async def test_periods_change_the_window_and_the_previous_one(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    month = (await dashboard(client, demo, period="month"))["period"]
    year = (await dashboard(client, demo, period="year"))["period"]

    assert month["start"][8:] == "01" and month["previous_end"] < month["start"]
    assert year["start"][5:] == "01-01"
    assert year["previous_start"][:4] == str(int(year["start"][:4]) - 1)


async def test_the_monthly_target_appears_on_every_forecast_month(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    saved = await client.patch(
        f"{demo.base}/preferences",
        json={"monthly_target": "250000", "insight_schedule": "weekly"},
        headers=demo.owner.headers,
    )
    assert saved.status_code == 200, saved.text

    body = await dashboard(client, demo, period="quarter")

    assert saved.json()["insight_schedule"] == "weekly"
    assert {Decimal(m["target"]) for m in body["forecast_by_month"]} == {Decimal("250000")}


async def test_preferences_default_to_no_target_and_a_daily_schedule(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    response = await client.get(f"{demo.base}/preferences", headers=demo.owner.headers)

    assert response.json() == {"monthly_target": None, "insight_schedule": "daily"}


async def test_another_workspace_sees_none_of_the_demo_data(
    client: AsyncClient, demo: DemoWorkspace
) -> None:
    other = await make_user(client)
    ws = await make_workspace(client, other, "Other Inc")

    response = await client.get(f"/api/v1/workspaces/{ws}/dashboard", headers=other.headers)

    assert Decimal(response.json()["cards"]["won"]["value"]) == 0
    assert response.json()["newest_insights"] == []
