import json
import uuid
from datetime import timedelta

import psycopg
from httpx import AsyncClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from backend.events.publisher import CHANNEL
from backend.models import InsightPriority, InsightStatus, InsightType
from tests.backend.activities.factories import make_deal
from tests.backend.insights.factories import T0, make_insight, make_run
from tests.factories import Account, add_member, make_user, make_workspace


def url(ws: str, path: str = "") -> str:
    return f"/api/v1/workspaces/{ws}/insights{path}"


async def set_status(client: AsyncClient, ws: str, insight: str, who: Account, status: str):
    return await client.patch(url(ws, f"/{insight}"), json={"status": status}, headers=who.headers)


async def test_list_is_most_urgent_first_then_newest_and_pages_without_gaps(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    specs = [
        (InsightPriority.low, 1),
        (InsightPriority.critical, 0),
        (InsightPriority.high, 5),
        (InsightPriority.critical, 3),
        (InsightPriority.medium, 2),
        (InsightPriority.high, 5),
        (InsightPriority.high, 1),
    ]
    rank = {p: i for i, p in enumerate(InsightPriority)}
    made = [
        (
            p,
            T0 + timedelta(hours=h),
            await make_insight(ws, priority=p, created_at=T0 + timedelta(hours=h)),
        )
        for p, h in specs
    ]
    made.sort(key=lambda m: (rank[m[0]], m[1], uuid.UUID(m[2])), reverse=True)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(url(ws), params=params, headers=owner.headers)).json()
        assert page["total"] == 7
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [insight_id for _, _, insight_id in made]


async def test_list_filters_by_status_type_priority_and_deal(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    on_deal = await make_insight(ws, deal_id=deal, priority=InsightPriority.high)
    viewed = await make_insight(ws, status=InsightStatus.viewed, type=InsightType.summary)
    dismissed = await make_insight(ws, status=InsightStatus.dismissed)

    async def ids(**params: object) -> set[str]:
        page = (await client.get(url(ws), params=params, headers=owner.headers)).json()
        return {item["id"] for item in page["items"]}

    assert await ids(status=["new", "viewed"]) == {on_deal, viewed}
    assert await ids(status="dismissed") == {dismissed}
    assert await ids(type="summary") == {viewed}
    assert await ids(priority="high") == {on_deal}
    assert await ids(deal_id=deal) == {on_deal}


async def test_read_returns_the_full_record(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    insight = await make_insight(ws)
    body = (await client.get(url(ws, f"/{insight}"), headers=owner.headers)).json()
    assert body["evidence"] == {"idle_days": 21}
    assert body["suggested_actions"] == ["Call the champion"]
    assert body["confidence"] == "0.800"
    assert body["status"] == "new"


async def test_status_moves_from_new_to_viewed_to_actioned(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    insight = await make_insight(ws)
    viewed = await set_status(client, ws, insight, owner, "viewed")
    assert viewed.json()["status"] == "viewed"
    actioned = await set_status(client, ws, insight, owner, "actioned")
    assert actioned.json()["status"] == "actioned"


async def test_new_insight_can_be_dismissed_or_actioned_directly(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    first, second = await make_insight(ws), await make_insight(ws)
    assert (await set_status(client, ws, first, owner, "dismissed")).json()["status"] == "dismissed"
    assert (await set_status(client, ws, second, owner, "actioned")).json()["status"] == "actioned"


async def test_refused_transitions_are_conflicts_and_change_nothing(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    refused = [
        (InsightStatus.viewed, "new"),
        (InsightStatus.actioned, "viewed"),
        (InsightStatus.actioned, "dismissed"),
        (InsightStatus.dismissed, "new"),
        (InsightStatus.dismissed, "actioned"),
    ]
    for current, target in refused:
        insight = await make_insight(ws, status=current)
        response = await set_status(client, ws, insight, owner, target)
        assert response.status_code == 409, (current, target)
        error = response.json()["error"]
        assert error["code"] == "invalid_status_transition"
        assert error["details"]["from"] == current.value
        read = await client.get(url(ws, f"/{insight}"), headers=owner.headers)
        assert read.json()["status"] == current.value


async def test_setting_the_current_status_again_is_harmless(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    insight = await make_insight(ws, status=InsightStatus.dismissed)
    again = await set_status(client, ws, insight, owner, "dismissed")
    assert again.status_code == 200
    assert again.json()["status"] == "dismissed"


async def test_unknown_status_is_a_validation_error(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    insight = await make_insight(ws)
    assert (await set_status(client, ws, insight, owner, "snoozed")).status_code == 422


async def test_run_shows_trigger_timing_model_usage_and_cost(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    run = await make_run(ws, status="failed", error="model timed out")
    body = (await client.get(url(ws, f"/runs/{run}"), headers=owner.headers)).json()
    assert body["trigger"] == "schedule"
    assert body["status"] == "failed"
    assert body["model"] == "claude-sonnet-4-5"
    assert (body["input_tokens"], body["output_tokens"]) == (1200, 300)
    assert body["cost_usd"] == "0.008100"
    assert body["error"] == "model timed out"
    assert body["finished_at"] is not None


async def test_records_of_another_workspace_are_not_found(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    insight, run = await make_insight(other), await make_run(other)
    assert (await client.get(url(ws, f"/{insight}"), headers=owner.headers)).status_code == 404
    assert (await set_status(client, ws, insight, owner, "viewed")).status_code == 404
    assert (await client.get(url(ws, f"/runs/{run}"), headers=owner.headers)).status_code == 404
    assert (await client.get(url(ws), headers=owner.headers)).json()["total"] == 0


async def test_viewer_reads_but_cannot_change_status(client: AsyncClient) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    insight, run = await make_insight(ws), await make_run(ws)
    assert (await set_status(client, ws, insight, viewer, "dismissed")).status_code == 403
    for path in ("", f"/{insight}", f"/runs/{run}"):
        assert (await client.get(url(ws, path), headers=viewer.headers)).status_code == 200
    read = await client.get(url(ws, f"/{insight}"), headers=owner.headers)
    assert read.json()["status"] == "new"


async def test_member_can_change_status(client: AsyncClient) -> None:
    owner, member = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, member, "member")
    insight = await make_insight(ws)
    assert (await set_status(client, ws, insight, member, "viewed")).status_code == 200


async def test_outsider_gets_404_on_every_insight_route(client: AsyncClient) -> None:
    owner, mallory = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await make_workspace(client, mallory)
    insight, run = await make_insight(ws), await make_run(ws)
    attempts = [
        ("GET", url(ws), None),
        ("GET", url(ws, f"/{insight}"), None),
        ("PATCH", url(ws, f"/{insight}"), {"status": "dismissed"}),
        ("PATCH", url(ws, f"/{insight}"), {"status": "bogus"}),
        ("GET", url(ws, f"/runs/{run}"), None),
    ]
    for method, target, body in attempts:
        response = await client.request(method, target, json=body, headers=mallory.headers)
        assert response.status_code == 404, (method, target, response.text)
    read = await client.get(url(ws, f"/{insight}"), headers=owner.headers)
    assert read.json()["status"] == "new"


async def test_status_change_is_published(client: AsyncClient, sync_engine: Engine) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    insight = await make_insight(ws)
    dsn = make_url(sync_engine.url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(f"listen {CHANNEL}")
        await set_status(client, ws, insight, owner, "viewed")
        events = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=1)]
    assert events == [
        {
            "workspace_id": ws,
            "type": "insight.updated",
            "data": {"id": insight, "deal_id": None, "status": "viewed"},
        }
    ]
