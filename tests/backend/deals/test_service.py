"""upsert_by_external_id: the entry point the CSV import and the HubSpot sync use."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from httpx import AsyncClient

from backend import db
from backend.deals import service
from backend.deals.schemas import DealUpsert
from backend.models import ChangeSource, Deal, DealSource
from kit.errors import UnprocessableEntity
from tests.backend.deals.factories import Pipeline, make_pipeline

IMPORTED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


async def upsert(
    pipeline: Pipeline, fields: DealUpsert, *, occurred_at: datetime | None = None
) -> tuple[Deal, bool]:
    async with db.session_factory()() as session:
        result = await service.upsert_by_external_id(
            session,
            workspace_id=uuid.UUID(pipeline.workspace_id),
            source=DealSource.import_,
            external_id="row-1",
            fields=fields,
            actor_id=pipeline.owner.id,
            change_source=ChangeSource.import_,
            occurred_at=occurred_at,
        )
        await session.commit()
        return result


async def test_upsert_creates_once_then_updates_the_same_deal(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    created, was_created = await upsert(
        pipeline,
        DealUpsert(title="Imported", amount=Decimal("10"), company="Acme"),
        occurred_at=IMPORTED_AT,
    )
    updated, again = await upsert(pipeline, DealUpsert(title="Imported v2", amount=Decimal("20")))
    assert (was_created, again) == (True, False)
    assert updated.id == created.id
    deal = (
        await client.get(f"{pipeline.deals_url}/{created.id}", headers=pipeline.owner.headers)
    ).json()
    assert (deal["title"], deal["amount"], deal["company"]) == ("Imported v2", "20.00", "Acme")
    assert (deal["source"], deal["external_id"]) == ("import", "row-1")
    assert deal["created_at"] == "2025-03-01T09:30:00Z"
    listed = (await client.get(pipeline.deals_url, headers=pipeline.owner.headers)).json()
    assert listed["total"] == 1


async def test_upsert_records_history_with_the_given_source_and_time(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    await upsert(
        pipeline,
        DealUpsert(title="Imported", expected_close_date=date(2025, 4, 1)),
        occurred_at=IMPORTED_AT,
    )
    deal, _ = await upsert(
        pipeline,
        DealUpsert(
            title="Imported",
            stage_id=uuid.UUID(pipeline.stages["won"]),
            expected_close_date=date(2025, 5, 1),
            closed_at=datetime(2025, 4, 20, tzinfo=UTC),
        ),
        occurred_at=datetime(2025, 4, 21, tzinfo=UTC),
    )
    history = (
        await client.get(f"{pipeline.deals_url}/{deal.id}/history", headers=pipeline.owner.headers)
    ).json()
    stages = history["stage_changes"]
    assert [(c["to_stage_name"], c["source"], c["changed_at"]) for c in stages] == [
        ("Lead", "import", "2025-03-01T09:30:00Z"),
        ("Won", "import", "2025-04-21T00:00:00Z"),
    ]
    assert stages[1]["days_in_previous_stage"] == pytest.approx(50.6, abs=0.01)
    assert {c["changed_by_id"] for c in stages} == {str(pipeline.owner.id)}
    dates = history["close_date_changes"]
    assert [(c["to_date"], c["source"], c["pushed"]) for c in dates] == [
        ("2025-04-01", "import", False),
        ("2025-05-01", "import", True),
    ]
    assert (deal.closed_at, deal.close_date_push_count) == (datetime(2025, 4, 20, tzinfo=UTC), 1)


async def test_upsert_leaves_fields_it_was_not_given(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    await upsert(
        pipeline, DealUpsert(title="Imported", contact_email="a@b.example", currency="EUR")
    )
    deal, _ = await upsert(pipeline, DealUpsert(title="Imported", amount=None))
    assert (deal.contact_email, deal.currency, deal.amount) == ("a@b.example", "EUR", Decimal("0"))


async def test_upsert_refuses_a_stage_or_owner_from_outside_the_workspace(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client)
    for fields in (
        DealUpsert(title="Imported", stage_id=uuid.UUID(other.stages["lead"])),
        DealUpsert(title="Imported", owner_id=other.owner.id),
    ):
        with pytest.raises(UnprocessableEntity):
            await upsert(pipeline, fields)
    listed = (await client.get(pipeline.deals_url, headers=pipeline.owner.headers)).json()
    assert listed["total"] == 0
