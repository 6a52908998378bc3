from httpx import AsyncClient

from backend.models import StageKind
from tests.backend.analytics import reference
from tests.backend.analytics.factories import IDLE_STAGE, Tenants


async def test_open_pipeline_per_stage_equals_python_recomputation(
    client: AsyncClient, tenants: Tenants
) -> None:
    a = tenants.a
    response = await client.get(a.url("pipeline"), headers=a.owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    per_stage, totals = reference.pipeline(a)
    assert [s["name"] for s in body["stages"]] == list(per_stage)
    for row in body["stages"]:
        reference.assert_matches(row, per_stage[row["name"]])
    reference.assert_matches(body["totals"], totals)
    assert body["totals"]["deal_count"] > 50


async def test_pipeline_lists_stages_in_order_with_empty_ones(
    client: AsyncClient, tenants: Tenants
) -> None:
    a = tenants.a
    body = (await client.get(a.url("pipeline"), headers=a.owner.headers)).json()
    open_stages = [s for s in a.stages if s.kind == StageKind.open]
    assert [s["stage_id"] for s in body["stages"]] == [str(s.id) for s in open_stages]
    idle = next(s for s in body["stages"] if s["name"] == IDLE_STAGE)
    assert (idle["deal_count"], idle["amount"], idle["weighted_amount"]) == (0, "0.00", "0.00")


async def test_include_closed_adds_won_and_lost_deals(
    client: AsyncClient, tenants: Tenants
) -> None:
    a = tenants.a
    response = await client.get(
        a.url("pipeline"), params={"include_closed": "true"}, headers=a.owner.headers
    )
    body = response.json()
    per_stage, totals = reference.pipeline(a, include_closed=True)
    assert [s["name"] for s in body["stages"]] == [s.name for s in a.stages]
    for row in body["stages"]:
        reference.assert_matches(row, per_stage[row["name"]])
    reference.assert_matches(body["totals"], totals)
    assert body["include_closed"] is True


async def test_owner_filter_counts_only_that_owners_deals_in_this_workspace(
    client: AsyncClient, tenants: Tenants
) -> None:
    a, shared = tenants.a, tenants.shared
    response = await client.get(
        a.url("pipeline"), params={"owner_id": str(shared.id)}, headers=a.owner.headers
    )
    body = response.json()
    per_stage, totals = reference.pipeline(a, owner_id=shared.id)
    for row in body["stages"]:
        reference.assert_matches(row, per_stage[row["name"]])
    reference.assert_matches(body["totals"], totals)
    assert 0 < body["totals"]["deal_count"] < reference.pipeline(a)[1]["deal_count"]


async def test_second_workspace_gets_its_own_numbers(client: AsyncClient, tenants: Tenants) -> None:
    b = tenants.b
    body = (await client.get(b.url("pipeline"), headers=b.owner.headers)).json()
    per_stage, totals = reference.pipeline(b)
    for row in body["stages"]:
        reference.assert_matches(row, per_stage[row["name"]])
    reference.assert_matches(body["totals"], totals)
