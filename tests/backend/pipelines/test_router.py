import uuid

from httpx import AsyncClient

from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.factories import add_member, make_user


async def stage_names(client: AsyncClient, pipeline: Pipeline) -> list[str]:
    listed = await client.get(pipeline.stages_url, headers=pipeline.owner.headers)
    return [s["name"] for s in listed.json()]


async def test_new_workspace_gets_the_default_pipeline(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    listed = (await client.get(pipeline.stages_url, headers=pipeline.owner.headers)).json()
    assert [
        (s["position"], s["name"], s["probability"], s["kind"], s["rotting_days"]) for s in listed
    ] == [
        (0, "Lead", "10.00", "open", 14),
        (1, "Qualified", "25.00", "open", 14),
        (2, "Proposal", "50.00", "open", 21),
        (3, "Negotiation", "75.00", "open", 21),
        (4, "Won", "100.00", "won", None),
        (5, "Lost", "0.00", "lost", None),
    ]


async def test_added_stage_goes_at_its_position_or_at_the_end(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    demo = await client.post(
        pipeline.stages_url,
        json={"name": "Demo", "probability": 40, "rotting_days": 7, "position": 2},
        headers=headers,
    )
    assert demo.status_code == 201, demo.text
    assert (demo.json()["position"], demo.json()["kind"]) == (2, "open")
    parked = await client.post(
        pipeline.stages_url, json={"name": "Parked", "probability": 5}, headers=headers
    )
    assert parked.json()["position"] == 7
    assert await stage_names(client, pipeline) == [
        "Lead", "Qualified", "Demo", "Proposal", "Negotiation", "Won", "Lost", "Parked",
    ]  # fmt: skip


async def test_stage_names_are_unique_per_workspace_ignoring_case(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    added = await client.post(
        pipeline.stages_url, json={"name": "qualified", "probability": 30}, headers=headers
    )
    assert added.status_code == 409
    assert added.json()["error"]["code"] == "stage_name_taken"
    renamed = await client.patch(
        f"{pipeline.stages_url}/{pipeline.stages['lead']}", json={"name": "Won"}, headers=headers
    )
    assert renamed.status_code == 409


async def test_stage_can_be_renamed_and_retuned(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    response = await client.patch(
        f"{pipeline.stages_url}/{pipeline.stages['proposal']}",
        json={"name": "Proposal sent", "probability": "55.5", "rotting_days": None},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["probability"], body["rotting_days"]) == (
        "Proposal sent",
        "55.50",
        None,
    )


async def test_invalid_stage_fields_are_rejected_with_the_error_shape(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    for body in (
        {"name": "Too likely", "probability": 101},
        {"name": "Never", "probability": -1},
        {"name": "", "probability": 10},
        {"name": "Stale", "probability": 10, "rotting_days": 0},
        {"name": "Odd", "probability": 10, "kind": "maybe"},
        {"name": "Extra", "probability": 10, "color": "red"},
    ):
        response = await client.post(pipeline.stages_url, json=body, headers=pipeline.owner.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_error"
    nulled = await client.patch(
        f"{pipeline.stages_url}/{pipeline.stages['lead']}",
        json={"probability": None},
        headers=pipeline.owner.headers,
    )
    assert nulled.status_code == 422


async def test_the_last_open_stage_cannot_be_removed_or_closed(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    for name in ("lead", "qualified", "proposal"):
        removed = await client.delete(
            f"{pipeline.stages_url}/{pipeline.stages[name]}", headers=headers
        )
        assert removed.status_code == 204
    last = f"{pipeline.stages_url}/{pipeline.stages['negotiation']}"
    deleted = await client.delete(last, headers=headers)
    assert deleted.status_code == 409
    assert deleted.json()["error"]["code"] == "last_open_stage"
    closed = await client.patch(last, json={"kind": "won"}, headers=headers)
    assert closed.status_code == 409
    assert await stage_names(client, pipeline) == ["Negotiation", "Won", "Lost"]


async def test_reorder_puts_stages_in_the_given_order(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    order = ["lost", "won", "negotiation", "proposal", "qualified", "lead"]
    response = await client.post(
        f"{pipeline.stages_url}/reorder",
        json={"stage_ids": [pipeline.stages[n] for n in order]},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text
    assert [s["position"] for s in response.json()] == list(range(6))
    assert [n.lower() for n in await stage_names(client, pipeline)] == order


async def test_reorder_needs_every_stage_exactly_once(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client, pipeline.owner)
    ids = list(pipeline.stages.values())
    for stage_ids, code in (
        (ids[:-1], "incomplete_order"),
        ([*ids[:-1], ids[0]], "incomplete_order"),
        ([*ids, ids[0]], "incomplete_order"),
        ([*ids[:-1], other.stages["lost"]], "unknown_stage"),
    ):
        response = await client.post(
            f"{pipeline.stages_url}/reorder",
            json={"stage_ids": stage_ids},
            headers=pipeline.owner.headers,
        )
        assert response.status_code == 422
        assert response.json()["error"]["code"] == code
    assert [n.lower() for n in await stage_names(client, pipeline)] == list(pipeline.stages)


async def test_stage_with_deals_is_not_deleted_without_a_target(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    for _ in range(3):
        await make_deal(client, pipeline, stage_id=pipeline.stages["proposal"])
    response = await client.delete(
        f"{pipeline.stages_url}/{pipeline.stages['proposal']}", headers=pipeline.owner.headers
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stage_in_use"
    assert "3 deals" in error["message"]
    assert error["details"] == {"deal_count": 3}
    assert "Proposal" in await stage_names(client, pipeline)


async def test_deleting_with_move_to_moves_deals_and_records_it(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    deal = await make_deal(client, pipeline, stage_id=pipeline.stages["proposal"])
    response = await client.delete(
        f"{pipeline.stages_url}/{pipeline.stages['proposal']}",
        params={"move_to": pipeline.stages["negotiation"]},
        headers=headers,
    )
    assert response.status_code == 204, response.text
    moved = (await client.get(f"{pipeline.deals_url}/{deal['id']}", headers=headers)).json()
    assert moved["stage_name"] == "Negotiation"
    history = (
        await client.get(f"{pipeline.deals_url}/{deal['id']}/history", headers=headers)
    ).json()
    last = history["stage_changes"][-1]
    assert (last["to_stage_name"], last["source"]) == ("Negotiation", "system")
    assert last["changed_by_id"] == str(pipeline.owner.id)
    listed = (await client.get(pipeline.stages_url, headers=headers)).json()
    assert [s["position"] for s in listed] == list(range(5))


async def test_move_to_must_be_another_stage_of_the_workspace(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client, pipeline.owner)
    await make_deal(client, pipeline, stage_id=pipeline.stages["proposal"])
    url = f"{pipeline.stages_url}/{pipeline.stages['proposal']}"
    for target in (other.stages["lead"], pipeline.stages["proposal"], str(uuid.uuid4())):
        response = await client.delete(
            url, params={"move_to": target}, headers=pipeline.owner.headers
        )
        assert response.status_code == 422, target
        assert response.json()["error"]["code"] in ("unknown_stage", "invalid_move_to")
    assert "Proposal" in await stage_names(client, pipeline)


async def test_closing_a_stage_closes_its_deals_and_reopening_reopens(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    headers = pipeline.owner.headers
    deal = await make_deal(client, pipeline, stage_id=pipeline.stages["negotiation"])
    url = f"{pipeline.stages_url}/{pipeline.stages['negotiation']}"
    assert (await client.patch(url, json={"kind": "won"}, headers=headers)).status_code == 200
    closed = (await client.get(f"{pipeline.deals_url}/{deal['id']}", headers=headers)).json()
    assert (closed["stage_kind"], closed["closed_at"] is not None) == ("won", True)
    assert (await client.patch(url, json={"kind": "open"}, headers=headers)).status_code == 200
    reopened = (await client.get(f"{pipeline.deals_url}/{deal['id']}", headers=headers)).json()
    assert reopened["closed_at"] is None


async def test_another_workspaces_stage_ids_give_404(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client, pipeline.owner)
    foreign = other.stages["qualified"]
    for method, body in (("PATCH", {"name": "Mine now"}), ("DELETE", None)):
        response = await client.request(
            method, f"{pipeline.stages_url}/{foreign}", json=body, headers=pipeline.owner.headers
        )
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"
    assert "Qualified" in await stage_names(client, other)


async def test_outsider_gets_404_on_every_stage_route(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    outsider = await make_user(client)
    stage = f"{pipeline.stages_url}/{pipeline.stages['lead']}"
    for method, url, body in (
        ("GET", pipeline.stages_url, None),
        ("POST", pipeline.stages_url, {"name": "X", "probability": 1}),
        ("POST", f"{pipeline.stages_url}/reorder", {"stage_ids": [pipeline.stages["lead"]]}),
        ("PATCH", stage, {"name": "X"}),
        ("DELETE", stage, None),
    ):
        response = await client.request(method, url, json=body, headers=outsider.headers)
        assert response.status_code == 404, (method, url)


async def test_only_admins_change_the_pipeline(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    viewer, member = await make_user(client), await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, viewer, "viewer")
    await add_member(client, pipeline.workspace_id, pipeline.owner, member, "member")
    stage = f"{pipeline.stages_url}/{pipeline.stages['lead']}"
    for account in (viewer, member):
        assert (await client.get(pipeline.stages_url, headers=account.headers)).status_code == 200
        for method, url, body in (
            ("POST", pipeline.stages_url, {"name": "X", "probability": 1}),
            ("POST", f"{pipeline.stages_url}/reorder", {"stage_ids": [pipeline.stages["lead"]]}),
            ("PATCH", stage, {"name": "X"}),
            ("DELETE", stage, None),
        ):
            response = await client.request(method, url, json=body, headers=account.headers)
            assert response.status_code == 403, (method, url)
    assert await stage_names(client, pipeline) == [
        "Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost",
    ]  # fmt: skip
