from datetime import datetime

from httpx import AsyncClient
from sqlalchemy import Engine

from tests.backend.analytics.factories import Tenants, generate_deals, insert_deals

REPORTS = [
    ("pipeline", {"include_closed": "true"}),
    ("conversion", {}),
    ("performance", {"group_by": "quarter", "from": "2024-01-01", "to": "2027-12-31"}),
    ("forecast", {"group_by": "month", "from": "2024-01-01", "to": "2027-12-31"}),
]


async def test_another_workspaces_deals_never_change_the_numbers(
    client: AsyncClient, tenants: Tenants, sync_engine: Engine, now: datetime
) -> None:
    a, b, shared = tenants.a, tenants.b, tenants.shared
    queries = [(name, params) for name, params in REPORTS] + [
        (name, {**params, "owner_id": str(shared.id)}) for name, params in REPORTS
    ]

    async def reports() -> list[dict]:
        return [
            (await client.get(a.url(name), params=params, headers=a.owner.headers)).json()
            for name, params in queries
        ]

    before = await reports()
    # More history in `b`, owned by the member both workspaces share.
    more = generate_deals(99, 120, b.stages, [shared.id], now=now)
    insert_deals(sync_engine, b.id, more)
    assert await reports() == before
    grown = await client.get(b.url("pipeline"), params=REPORTS[0][1], headers=b.owner.headers)
    assert grown.json()["totals"]["deal_count"] == len(b.live_deals()) + sum(
        not d.archived for d in more
    )
