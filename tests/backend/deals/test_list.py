import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient

from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.factories import Account, add_member, make_user

# title, amount, stage, close date, extra fields
DEALS: list[tuple[str, str, str, str | None, dict[str, Any]]] = [
    ("Acme 100% renewal", "5000", "lead", "2026-01-10", {"company": "Acme"}),
    ("Globex expansion", "12000", "qualified", None, {"company": "Globex"}),
    ("Initech pilot", "5000", "proposal", "2026-02-01", {"source": "hubspot", "external_id": "h1"}),
    ("Umbrella rollout", "80000", "won", "2025-12-01", {"owner": "colleague"}),
    ("Hooli trial", "300", "lost", None, {"company": "Hooli"}),
    ("Stark under_score", "0", "negotiation", "2026-03-15", {"contact_name": "Tony Stark"}),
    ("Wayne security", "45000", "lead", "2026-01-10",
     {"company": "Wayne Enterprises", "owner": "colleague"}),
    ("Acme second site", "12000", "won", None, {"source": "import", "external_id": "i1"}),
]  # fmt: skip


@dataclass
class Seeded:
    pipeline: Pipeline
    colleague: Account
    # title -> deal as created
    deals: dict[str, dict[str, Any]]

    def ids(self, *titles: str) -> set[str]:
        return {self.deals[t]["id"] for t in titles}


async def seed(client: AsyncClient) -> Seeded:
    pipeline = await make_pipeline(client)
    colleague = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, colleague, "member")
    deals = {}
    for title, amount, stage, close_date, extra in DEALS:
        fields = {k: v for k, v in extra.items() if k != "owner"}
        if extra.get("owner") == "colleague":
            fields["owner_id"] = str(colleague.id)
        deals[title] = await make_deal(
            client,
            pipeline,
            title=title,
            amount=amount,
            stage_id=pipeline.stages[stage],
            expected_close_date=close_date,
            **fields,
        )
    return Seeded(pipeline, colleague, deals)


async def fetch(client: AsyncClient, pipeline: Pipeline, params: Any) -> dict[str, Any]:
    response = await client.get(pipeline.deals_url, params=params, headers=pipeline.owner.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def walk(client: AsyncClient, pipeline: Pipeline, sort: str, limit: int) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"sort": sort, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = await fetch(client, pipeline, params)
        ids += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_each_filter_selects_the_matching_deals(client: AsyncClient) -> None:
    s = await seed(client)
    st = s.pipeline.stages
    cases: list[tuple[Any, set[str]]] = [
        ([("stage_id", st["lead"]), ("stage_id", st["won"])],
         s.ids("Acme 100% renewal", "Wayne security", "Umbrella rollout", "Acme second site")),
        ({"owner_id": str(s.colleague.id)}, s.ids("Umbrella rollout", "Wayne security")),
        ({"source": "hubspot"}, s.ids("Initech pilot")),
        ({"source": "import"}, s.ids("Acme second site")),
        ({"status": "open"}, s.ids("Acme 100% renewal", "Globex expansion", "Initech pilot",
                                   "Stark under_score", "Wayne security")),
        ({"status": "won"}, s.ids("Umbrella rollout", "Acme second site")),
        ({"status": "lost"}, s.ids("Hooli trial")),
        ({"close_date_from": "2026-01-10", "close_date_to": "2026-02-01"},
         s.ids("Acme 100% renewal", "Initech pilot", "Wayne security")),
        ({"amount_min": "5000", "amount_max": "12000"},
         s.ids("Acme 100% renewal", "Globex expansion", "Initech pilot", "Acme second site")),
        ({"q": "acme"}, s.ids("Acme 100% renewal", "Acme second site")),
        ({"q": "ACME Sec"}, s.ids("Acme second site")),
        ({"q": "tony"}, s.ids("Stark under_score")),
        ({"q": "enterprises"}, s.ids("Wayne security")),
        ({"status": "open", "amount_min": "5000"},
         s.ids("Acme 100% renewal", "Globex expansion", "Initech pilot", "Wayne security")),
    ]  # fmt: skip
    for params, expected in cases:
        page = await fetch(client, s.pipeline, params)
        assert {d["id"] for d in page["items"]} == expected, params
        assert page["total"] == len(expected), params


async def test_search_treats_like_wildcards_literally(client: AsyncClient) -> None:
    s = await seed(client)
    underscore = await fetch(client, s.pipeline, {"q": "_"})
    assert {d["id"] for d in underscore["items"]} == s.ids("Stark under_score")
    percent = await fetch(client, s.pipeline, {"q": "0%"})
    assert {d["id"] for d in percent["items"]} == s.ids("Acme 100% renewal")


async def test_total_counts_every_match_not_just_the_page(client: AsyncClient) -> None:
    s = await seed(client)
    page = await fetch(client, s.pipeline, {"status": "open", "limit": 2})
    assert (len(page["items"]), page["total"]) == (2, 5)
    assert page["next_cursor"] is not None
    rest = await fetch(
        client, s.pipeline, {"status": "open", "limit": 2, "cursor": page["next_cursor"]}
    )
    assert rest["total"] == 5


def expected_order(deals: list[dict[str, Any]], sort: str) -> list[str]:
    """(value NULLS LAST, id), ascending or descending: the documented order."""
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    parse = {
        "amount": Decimal,
        "expected_close_date": date.fromisoformat,
        "created_at": datetime.fromisoformat,
        "updated_at": datetime.fromisoformat,
    }.get(key, str)
    present = [d for d in deals if d[key] is not None]
    missing = [d for d in deals if d[key] is None]
    present.sort(key=lambda d: (parse(d[key]), uuid.UUID(d["id"])), reverse=descending)
    missing.sort(key=lambda d: uuid.UUID(d["id"]), reverse=descending)
    return [d["id"] for d in present + missing]


SORTS = ["created_at", "updated_at", "amount", "expected_close_date", "title"]


@pytest.mark.parametrize("sort", SORTS + [f"-{s}" for s in SORTS])
async def test_cursor_pages_walk_every_deal_once_in_sort_order(
    client: AsyncClient, sort: str
) -> None:
    s = await seed(client)
    everything = (await fetch(client, s.pipeline, {"limit": 200}))["items"]
    assert await walk(client, s.pipeline, sort, limit=3) == expected_order(everything, sort)


async def test_default_order_is_newest_first(client: AsyncClient) -> None:
    s = await seed(client)
    page = await fetch(client, s.pipeline, {})
    assert [d["title"] for d in page["items"]] == [t for t, *_ in reversed(DEALS)]


@pytest.mark.parametrize("sort", ["-created_at", "amount", "expected_close_date"])
async def test_cursor_stays_correct_while_deals_are_added_and_removed(
    client: AsyncClient, sort: str
) -> None:
    s = await seed(client)
    pipeline = s.pipeline
    seen: list[str] = []
    first = await fetch(client, pipeline, {"sort": sort, "limit": 3})
    seen += [d["id"] for d in first["items"]]
    # Between pages: a new deal (newest, smallest amount, no close date) and one seen deleted.
    added = await make_deal(client, pipeline, title="Late arrival", amount="1")
    deleted = await client.delete(f"{pipeline.deals_url}/{seen[0]}", headers=pipeline.owner.headers)
    assert deleted.status_code == 204
    cursor = first["next_cursor"]
    while cursor:
        page = await fetch(client, pipeline, {"sort": sort, "limit": 3, "cursor": cursor})
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen))
    originals = {d["id"] for d in s.deals.values()}
    assert originals <= set(seen)
    assert set(seen) - originals <= {added["id"]}


async def test_a_cursor_only_works_with_its_own_sort(client: AsyncClient) -> None:
    s = await seed(client)
    page = await fetch(client, s.pipeline, {"sort": "amount", "limit": 2})
    for params in (
        {"sort": "title", "cursor": page["next_cursor"]},
        {"sort": "amount", "cursor": "not-a-cursor"},
    ):
        response = await client.get(
            s.pipeline.deals_url, params=params, headers=s.pipeline.owner.headers
        )
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == "invalid_cursor"


async def test_bad_list_parameters_are_rejected(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    for params in (
        {"limit": 201},
        {"limit": 0},
        {"sort": "probability"},
        {"status": "pending"},
        {"amount_min": "-5"},
        {"close_date_from": "next week"},
        {"stage": "lead"},
    ):
        response = await client.get(
            pipeline.deals_url, params=params, headers=pipeline.owner.headers
        )
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == "validation_error"


async def test_list_never_shows_another_workspaces_deals(client: AsyncClient) -> None:
    s = await seed(client)
    other = await make_pipeline(client, s.pipeline.owner)
    await make_deal(client, other, title="Acme elsewhere")
    page = await fetch(client, s.pipeline, {"q": "acme", "limit": 200})
    assert {d["title"] for d in page["items"]} == {"Acme 100% renewal", "Acme second site"}
    filtered = await fetch(client, s.pipeline, {"stage_id": other.stages["lead"]})
    assert filtered == {"items": [], "total": 0, "next_cursor": None}
