"""GET .../forecast and .../deals/{id}/win-probability: the engine's numbers, live."""

import uuid
from decimal import Decimal

import httpx
from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from backend import db
from backend.insights import ai_core_client
from backend.models import PipelineStage, WorkspacePreference
from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.backend.insights.generation_fixtures import AICore, add_deal, ai_core
from tests.factories import add_member, make_user

__all__ = ["ai_core"]  # fixtures


async def stage_probabilities(pipeline: Pipeline) -> dict[str, Decimal]:
    async with db.session_factory()() as session:
        rows = await session.execute(
            select(PipelineStage.name, PipelineStage.probability).where(
                PipelineStage.workspace_id == uuid.UUID(pipeline.workspace_id)
            )
        )
        return {name.lower(): probability / 100 for name, probability in rows}


async def set_monthly_target(pipeline: Pipeline, amount: str) -> None:
    async with db.session_factory()() as session:
        session.add(
            WorkspacePreference(
                workspace_id=uuid.UUID(pipeline.workspace_id), monthly_target=Decimal(amount)
            )
        )
        await session.commit()


async def forecast(client: AsyncClient, pipeline: Pipeline, **params: str) -> dict:
    response = await client.get(
        f"/api/v1/workspaces/{pipeline.workspace_id}/forecast",
        params=params,
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_forecast_by_month_weights_the_deals_due_now_like_a_crm(
    client: AsyncClient, ai_core: AICore, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Overdue", amount="8000.00", close_in_days=-3)
    await add_deal(pipeline, title="Late", stage="qualified", amount="2000.00", close_in_days=-1)
    await add_deal(pipeline, title="Undated", stage="negotiation", close_in_days=None)
    p = await stage_probabilities(pipeline)

    data = await forecast(client, pipeline)

    assert data["group_by"] == "month"
    assert len(data["spans"]) == 3
    [now] = [s for s in data["spans"] if s["start"] <= data["as_of"] <= s["end"]]
    with sync_engine.connect() as sql:
        due = sql.execute(
            text(
                "select sum(d.amount * s.probability / 100) from deal d "
                "join pipeline_stage s on s.id = d.stage_id "
                "where d.workspace_id = :ws and d.expected_close_date < current_date"
            ),
            {"ws": pipeline.workspace_id},
        ).scalar_one()
    assert (
        Decimal(now["weighted"])
        == due
        == Decimal("8000.00") * p["proposal"] + Decimal("2000.00") * p["qualified"]
    )
    assert Decimal(now["pipeline"]) == Decimal("10000.00")
    period = data["period"]
    assert Decimal(period["p10"]) <= Decimal(period["p50"]) <= Decimal(period["p90"])
    assert data["open_deals"] == 3
    assert data["win_model"]["source"] == "stage"
    assert "P10" in data["method"] and "stage" in data["method"]


async def test_forecast_by_quarter_looks_a_year_ahead_against_the_monthly_target(
    client: AsyncClient, ai_core: AICore
) -> None:
    pipeline = await make_pipeline(client)
    await add_deal(pipeline, title="Acme", close_in_days=30)
    await set_monthly_target(pipeline, "10000.00")

    data = await forecast(client, pipeline, group_by="quarter")

    assert [s["label"][4:6] for s in data["spans"]] == ["-Q"] * 4
    assert all(Decimal(s["target"]) == Decimal("30000.00") for s in data["spans"])
    assert Decimal(data["period"]["target"]) == Decimal("120000.00")
    assert 0 <= data["chance_to_hit_target"] <= 1


async def test_an_open_deal_scores_its_stage_probability_when_the_model_has_too_little_data(
    client: AsyncClient, ai_core: AICore
) -> None:
    pipeline = await make_pipeline(client)
    deal_id = await add_deal(pipeline, title="Acme", stage="negotiation")
    p = await stage_probabilities(pipeline)

    response = await client.get(
        f"{pipeline.deals_url}/{deal_id}/win-probability", headers=pipeline.owner.headers
    )

    data = response.json()
    assert response.status_code == 200, data
    assert data["is_open"] is True
    assert Decimal(str(data["probability"])) == p["negotiation"]
    assert data["source"] == "stage"
    assert data["factors"][0]["text"].startswith("Negotiation is set to win")
    assert data["win_model"]["source"] == "stage"
    assert "won and" in data["win_model"]["reason"]


async def test_a_closed_deal_is_not_scored(client: AsyncClient, ai_core: AICore) -> None:
    pipeline = await make_pipeline(client)
    deal_id = await add_deal(pipeline, title="Done", stage="won")

    response = await client.get(
        f"{pipeline.deals_url}/{deal_id}/win-probability", headers=pipeline.owner.headers
    )

    assert response.status_code == 200
    assert response.json()["is_open"] is False
    assert response.json()["probability"] is None


async def test_another_workspaces_deal_is_not_found(client: AsyncClient, ai_core: AICore) -> None:
    mine = await make_pipeline(client)
    theirs = await make_pipeline(client)
    their_deal = await add_deal(theirs, title="Wayne")

    response = await client.get(
        f"{mine.deals_url}/{their_deal}/win-probability", headers=mine.owner.headers
    )

    assert response.status_code == 404


async def test_a_viewer_reads_both(client: AsyncClient, ai_core: AICore) -> None:
    pipeline = await make_pipeline(client)
    deal_id = await add_deal(pipeline, title="Acme")
    viewer = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, viewer, "viewer")

    score = await client.get(
        f"{pipeline.deals_url}/{deal_id}/win-probability", headers=viewer.headers
    )
    outlook = await client.get(
        f"/api/v1/workspaces/{pipeline.workspace_id}/forecast", headers=viewer.headers
    )

    assert (score.status_code, outlook.status_code) == (200, 200)


async def test_an_unreachable_ai_core_is_503(client: AsyncClient, ai_core: AICore) -> None:
    pipeline = await make_pipeline(client)
    ai_core_client.use_transport(httpx.MockTransport(lambda _: httpx.Response(502)))

    response = await client.get(
        f"/api/v1/workspaces/{pipeline.workspace_id}/forecast", headers=pipeline.owner.headers
    )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


async def test_a_deal_closed_since_the_last_page_view_is_trained_on(
    client: AsyncClient, ai_core: AICore
) -> None:
    pipeline = await make_pipeline(client)
    scored = await make_deal(client, pipeline, title="Acme")
    closing = await make_deal(client, pipeline, title="Globex")
    url = f"{pipeline.deals_url}/{scored['id']}/win-probability"
    headers = pipeline.owner.headers
    before = (await client.get(url, headers=headers)).json()["win_model"]

    moved = await client.patch(
        f"{pipeline.deals_url}/{closing['id']}",
        json={"stage_id": pipeline.stages["won"]},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    after = (await client.get(url, headers=headers)).json()["win_model"]

    assert (before["won"], after["won"]) == (0, 1)
