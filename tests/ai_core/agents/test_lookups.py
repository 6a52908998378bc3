"""What the tools read and how they report it, against the real backend with a scoped token."""

from datetime import date

import pytest

from ai_core.agents import deals, reports
from ai_core.agents.reports import period_bounds
from ai_core.agents.views import QueryError
from ai_core.clients.workspace_api import WorkspaceApiError
from tests.ai_core.agents.conftest import MakeContext
from tests.ai_core.agents.factories import Seeded


async def test_search_filters_by_stage_name_and_status(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    found = await deals.search_deals(context, stage="negotiation", status="open")

    assert [d["title"] for d in found.data["deals"]] == ["Initech expansion"]
    assert found.data["total_matching"] == 1


async def test_search_by_owner_me_finds_the_users_deals(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    found = await deals.search_deals(context, owner="me", sort="smallest")

    assert [d["title"] for d in found.data["deals"]] == [
        "Umbrella pilot",
        "Globex renewal",
        "Initech expansion",
    ]
    assert {d["owner"] for d in found.data["deals"]} == {"Ada Seller"}


async def test_an_unknown_stage_is_an_error_that_lists_the_stages(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    with pytest.raises(QueryError, match="The stages are: Lead, Qualified, Proposal"):
        await deals.search_deals(context, stage="Discovery")


async def test_a_deal_id_that_is_not_a_uuid_is_refused_before_any_request(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    with pytest.raises(QueryError, match="search_deals"):
        await deals.get_deal(context, "../../workspaces")


async def test_another_workspaces_deal_is_not_found(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    with pytest.raises(WorkspaceApiError) as raised:
        await deals.get_deal(context, seeded.wayne["id"])

    assert raised.value.status == 404


async def test_get_deal_carries_timeline_history_and_engine_signals(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    found = await deals.get_deal(context, seeded.initech["id"])

    data = found.data
    assert data["deal"]["title"] == "Initech expansion"
    assert data["deal"]["win_probability_pct"] == "75.00"
    kinds = {s["kind"]: s for s in data["risk"]["signals"]}
    assert set(kinds) == {"stalled", "slipping"}
    assert kinds["stalled"]["evidence"]["days_idle"] == 60.0
    assert kinds["slipping"]["evidence"]["days_past_close"] == 12
    assert data["stage_changes"][-1]["to"] == "Negotiation"
    assert found.summary == f"Initech expansion ({data['risk']['level']} risk)"


async def test_at_risk_deals_rank_the_stalled_slipping_deal_alone(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    found = await deals.at_risk_deals(context)

    [risky] = found.data["deals"]
    assert risky["id"] == seeded.initech["id"]
    assert risky["link"] == f"/deals/{seeded.initech['id']}"
    assert found.data["open_deals_checked"] == found.data["open_deals_total"] == 3
    assert found.summary == "1 deal at risk"


async def test_activity_stats_count_each_owners_activities(
    seeded: Seeded, make_context: MakeContext
) -> None:
    context = make_context(seeded.owner.id, seeded.a.workspace_id)

    found = await reports.activity_stats_by_owner(context, days=7)

    assert found.data["owners"] == [
        {
            "owner": "Ada Seller",
            "activities": 1,
            "done": 1,
            "not_done": 0,
            "by_type": {"call": 1},
        }
    ]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("this_month", ("month", date(2026, 11, 1), date(2026, 11, 30))),
        ("next_month", ("month", date(2026, 12, 1), date(2026, 12, 31))),
        ("this_quarter", ("quarter", date(2026, 10, 1), date(2026, 12, 31))),
        ("next_quarter", ("quarter", date(2027, 1, 1), date(2027, 3, 31))),
        ("this_year", ("quarter", date(2026, 1, 1), date(2026, 12, 31))),
        ("next_12_months", ("month", date(2026, 11, 1), date(2027, 10, 31))),
    ],
)
def test_named_periods_are_calendar_spans(period: reports.Period, expected: tuple) -> None:
    assert period_bounds(period, date(2026, 11, 25)) == expected
