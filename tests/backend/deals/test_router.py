import uuid

import pytest
from httpx import AsyncClient

from tests.backend.deals.factories import make_deal, make_pipeline
from tests.factories import add_member, make_user


async def test_created_deal_defaults_to_first_stage_and_caller_as_owner(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, title="Initech expansion", amount="1500.5")
    assert deal["stage_id"] == pipeline.stages["lead"]
    assert (deal["stage_name"], deal["stage_kind"], deal["probability"]) == (
        "Lead",
        "open",
        "10.00",
    )
    assert deal["owner_id"] == str(pipeline.owner.id)
    assert (deal["amount"], deal["currency"], deal["source"]) == ("1500.50", "USD", "manual")
    assert (deal["closed_at"], deal["is_rotting"], deal["close_date_push_count"]) == (
        None,
        False,
        0,
    )
    fetched = await client.get(f"{pipeline.deals_url}/{deal['id']}", headers=pipeline.owner.headers)
    assert fetched.json() == deal


async def test_all_fields_are_stored_as_given(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(
        client,
        pipeline,
        title="  Umbrella pilot ",
        amount="250000.00",
        currency="eur",
        stage_id=pipeline.stages["proposal"],
        probability_override="62.5",
        expected_close_date="2026-06-30",
        contact_name="Alice Wong",
        contact_email="alice@umbrella.example",
        company="Umbrella",
        source="hubspot",
        external_id="hs-42",
        owner_id=None,
    )
    assert deal["title"] == "Umbrella pilot"
    assert (deal["currency"], deal["probability_override"], deal["probability"]) == (
        "EUR",
        "62.50",
        "62.50",
    )
    assert (deal["source"], deal["external_id"], deal["owner_id"]) == ("hubspot", "hs-42", None)
    assert (deal["contact_email"], deal["company"]) == ("alice@umbrella.example", "Umbrella")


async def test_patch_changes_only_the_fields_sent(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(
        client, pipeline, company="Globex", contact_name="Hank", expected_close_date="2026-03-01"
    )
    response = await client.patch(
        f"{pipeline.deals_url}/{deal['id']}",
        json={"amount": "99.9", "contact_name": None},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["amount"], body["contact_name"]) == ("99.90", None)
    assert (body["company"], body["expected_close_date"]) == ("Globex", "2026-03-01")
    assert body["updated_at"] > deal["updated_at"]
    fetched = await client.get(f"{pipeline.deals_url}/{deal['id']}", headers=pipeline.owner.headers)
    assert fetched.json() == body


async def test_deleted_deal_is_gone(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    url = f"{pipeline.deals_url}/{deal['id']}"
    assert (await client.delete(url, headers=pipeline.owner.headers)).status_code == 204
    missing = await client.get(url, headers=pipeline.owner.headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


async def test_won_stage_closes_the_deal_and_an_open_stage_reopens_it(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    url = f"{pipeline.deals_url}/{deal['id']}"
    headers = pipeline.owner.headers
    lost = await client.patch(
        url, json={"stage_id": pipeline.stages["lost"], "lost_reason": "Price"}, headers=headers
    )
    assert lost.json()["closed_at"] is not None
    assert (lost.json()["lost_reason"], lost.json()["probability"]) == ("Price", "0.00")
    reopened = await client.patch(url, json={"stage_id": pipeline.stages["lead"]}, headers=headers)
    assert (reopened.json()["closed_at"], reopened.json()["lost_reason"]) == (None, None)


async def test_probability_override_wins_over_the_stage(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, probability_override=90)
    assert (deal["probability"], deal["stage_name"]) == ("90.00", "Lead")
    cleared = await client.patch(
        f"{pipeline.deals_url}/{deal['id']}",
        json={"probability_override": None},
        headers=pipeline.owner.headers,
    )
    assert cleared.json()["probability"] == "10.00"


INVALID_BODIES = {
    "negative amount": ({"amount": "-1"}, "amount"),
    "too many decimals": ({"amount": "1.001"}, "amount"),
    "bad currency": ({"currency": "XYZ"}, "currency"),
    "currency not three letters": ({"currency": "US"}, "currency"),
    "bad email": ({"contact_email": "not-an-email"}, "contact_email"),
    "unknown field": ({"colour": "red"}, "colour"),
    "probability above 100": ({"probability_override": 120}, "probability_override"),
    "empty title": ({"title": " "}, "title"),
    "unknown source": ({"source": "salesforce"}, "source"),
}


@pytest.mark.parametrize("case", INVALID_BODIES, ids=list(INVALID_BODIES))
async def test_invalid_deal_fields_are_rejected_with_the_error_shape(
    client: AsyncClient, case: str
) -> None:
    fields, field = INVALID_BODIES[case]
    pipeline = await make_pipeline(client)
    response = await client.post(
        pipeline.deals_url, json={"title": "Deal", **fields}, headers=pipeline.owner.headers
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [f"body.{field}"]


async def test_stage_must_belong_to_the_workspace(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client, pipeline.owner)
    for stage_id in (other.stages["lead"], str(uuid.uuid4())):
        response = await client.post(
            pipeline.deals_url,
            json={"title": "Deal", "stage_id": stage_id},
            headers=pipeline.owner.headers,
        )
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "unknown_stage"
        assert error["details"][0]["field"] == "body.stage_id"
    deal = await make_deal(client, pipeline)
    moved = await client.patch(
        f"{pipeline.deals_url}/{deal['id']}",
        json={"stage_id": other.stages["won"]},
        headers=pipeline.owner.headers,
    )
    assert moved.json()["error"]["code"] == "unknown_stage"


async def test_owner_must_be_a_member_of_the_workspace(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    stranger, colleague = await make_user(client), await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, colleague, "member")
    refused = await client.post(
        pipeline.deals_url,
        json={"title": "Deal", "owner_id": str(stranger.id)},
        headers=pipeline.owner.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "owner_not_member"
    deal = await make_deal(client, pipeline, owner_id=str(colleague.id))
    assert deal["owner_id"] == str(colleague.id)


async def test_required_fields_cannot_be_cleared(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    for field in ("title", "amount", "currency", "stage_id", "source"):
        response = await client.patch(
            f"{pipeline.deals_url}/{deal['id']}", json={field: None}, headers=pipeline.owner.headers
        )
        assert response.status_code == 422, field


async def test_external_id_is_unique_per_source(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    first = await make_deal(client, pipeline, source="hubspot", external_id="42")
    await make_deal(client, pipeline, source="notion", external_id="42")
    duplicate = await client.post(
        pipeline.deals_url,
        json={"title": "Again", "source": "hubspot", "external_id": "42"},
        headers=pipeline.owner.headers,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["details"] == {"deal_id": first["id"]}
    other = await make_deal(client, pipeline, source="hubspot", external_id="43")
    clash = await client.patch(
        f"{pipeline.deals_url}/{other['id']}",
        json={"external_id": "42"},
        headers=pipeline.owner.headers,
    )
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "duplicate_external_id"


async def test_another_workspaces_deal_ids_give_404_on_every_route(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client, pipeline.owner)
    foreign = await make_deal(client, other, title="Their deal")
    url = f"{pipeline.deals_url}/{foreign['id']}"
    for method, path, body in (
        ("GET", url, None),
        ("PATCH", url, {"title": "Stolen"}),
        ("DELETE", url, None),
        ("GET", f"{url}/history", None),
    ):
        response = await client.request(method, path, json=body, headers=pipeline.owner.headers)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"
    still = await client.get(f"{other.deals_url}/{foreign['id']}", headers=other.owner.headers)
    assert still.json()["title"] == "Their deal"


async def test_outsider_gets_404_on_every_deal_route(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    outsider = await make_user(client)
    await make_pipeline(client, outsider)
    deal = await make_deal(client, pipeline)
    url = f"{pipeline.deals_url}/{deal['id']}"
    for method, path, body in (
        ("GET", pipeline.deals_url, None),
        ("POST", pipeline.deals_url, {"title": "Mine"}),
        ("GET", url, None),
        ("PATCH", url, {"title": "Mine"}),
        ("DELETE", url, None),
        ("GET", f"{url}/history", None),
    ):
        response = await client.request(method, path, json=body, headers=outsider.headers)
        assert response.status_code == 404, (method, path)


async def test_viewer_reads_deals_but_cannot_write(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    viewer = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, viewer, "viewer")
    deal = await make_deal(client, pipeline)
    url = f"{pipeline.deals_url}/{deal['id']}"
    for path in (pipeline.deals_url, url, f"{url}/history"):
        assert (await client.get(path, headers=viewer.headers)).status_code == 200
    for method, path, body in (
        ("POST", pipeline.deals_url, {"title": "Mine"}),
        ("PATCH", url, {"title": "Mine"}),
        ("DELETE", url, None),
    ):
        response = await client.request(method, path, json=body, headers=viewer.headers)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "forbidden"
    unchanged = await client.get(url, headers=pipeline.owner.headers)
    assert unchanged.json()["title"] == deal["title"]
