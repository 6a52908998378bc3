import json
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from httpx import AsyncClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from backend.events.publisher import CHANNEL
from tests.backend.activities.factories import last_activity_at, make_deal, make_system_entry
from tests.factories import Account, add_member, make_user, make_workspace

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def url(ws: str, path: str = "/activities") -> str:
    return f"/api/v1/workspaces/{ws}{path}"


async def log(client: AsyncClient, ws: str, who: Account, **fields: object) -> dict:
    body = {"type": "call", "subject": "Discovery call", **fields}
    response = await client.post(url(ws), json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


async def walk(client: AsyncClient, path: str, who: Account, limit: int) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get(path, params=params, headers=who.headers)).json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_done_activity_on_a_deal_is_created_with_its_completion_as_occurred_at(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    created = await log(client, ws, owner, deal_id=deal, completed_at=at(1), body="Budget OK")
    assert created["occurred_at"] == created["completed_at"]
    assert created["owner_id"] == str(owner.id)
    assert created["deal_id"] == deal
    assert created["source"] == "manual"
    read = await client.get(url(ws, f"/activities/{created['id']}"), headers=owner.headers)
    assert read.json() == created


async def test_occurred_at_falls_back_to_schedule_then_to_now(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    planned = await log(client, ws, owner, type="meeting", scheduled_at=at(48))
    assert planned["occurred_at"] == planned["scheduled_at"]
    before = datetime.now(UTC)
    note = await log(client, ws, owner, type="note")
    assert datetime.fromisoformat(note["occurred_at"]) >= before - timedelta(seconds=1)


async def test_system_type_cannot_be_created_through_the_api(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    response = await client.post(
        url(ws), json={"type": "system", "subject": "Fake stage change"}, headers=owner.headers
    )
    assert response.status_code == 422
    assert "system entries" in response.json()["error"]["details"][0]["message"]


async def test_deal_of_another_workspace_is_not_found(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    foreign_deal = await make_deal(other)
    created = await client.post(
        url(ws),
        json={"type": "call", "subject": "x", "deal_id": foreign_deal},
        headers=owner.headers,
    )
    assert created.status_code == 404
    timeline = await client.get(url(ws, f"/deals/{foreign_deal}/timeline"), headers=owner.headers)
    assert timeline.status_code == 404
    mine = await log(client, ws, owner)
    moved = await client.patch(
        url(ws, f"/activities/{mine['id']}"), json={"deal_id": foreign_deal}, headers=owner.headers
    )
    assert moved.status_code == 404


async def test_owner_must_be_a_member(client: AsyncClient) -> None:
    owner, stranger = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    response = await client.post(
        url(ws),
        json={"type": "task", "subject": "x", "owner_id": str(stranger.id)},
        headers=owner.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "owner_not_member"


async def test_activity_cannot_be_completed_in_the_future(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = await client.post(
        url(ws),
        json={"type": "call", "subject": "x", "completed_at": tomorrow},
        headers=owner.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "completed_in_future"


async def test_timeline_walks_every_entry_once_newest_first(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    # Three entries share one timestamp so the id tie-breaker is exercised across page edges.
    hours = [5, 1, 3, 3, 3, 8, 2]
    entries = [
        (
            T0 + timedelta(hours=h),
            (await log(client, ws, owner, deal_id=deal, completed_at=at(h)))["id"],
        )
        for h in hours
    ]
    system_at = T0 + timedelta(hours=4)
    entries.append((system_at, await make_system_entry(ws, deal, occurred_at=system_at)))
    await log(client, ws, owner, completed_at=at(6))  # not on this deal
    entries.sort(key=lambda e: (e[0], uuid.UUID(e[1])), reverse=True)
    ids = await walk(client, url(ws, f"/deals/{deal}/timeline"), owner, limit=3)
    assert ids == [activity_id for _, activity_id in entries]
    first = (await client.get(url(ws, f"/deals/{deal}/timeline"), headers=owner.headers)).json()
    assert first["total"] == 8
    assert first["next_cursor"] is None


async def test_pagination_is_stable_when_an_activity_lands_between_pages(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    originals = [(await log(client, ws, owner, completed_at=at(h)))["id"] for h in range(6)]
    first = (await client.get(url(ws), params={"limit": 2}, headers=owner.headers)).json()
    await log(client, ws, owner, subject="Arrived mid-walk")  # newest of all
    seen = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = (
            await client.get(url(ws), params={"limit": 2, "cursor": cursor}, headers=owner.headers)
        ).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == list(reversed(originals))


async def test_feed_filters_by_type_owner_deal_time_and_system(client: AsyncClient) -> None:
    owner, rep = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, rep, "member")
    deal = await make_deal(ws)
    call = await log(client, ws, owner, type="call", completed_at=at(1), deal_id=deal)
    email = await log(client, ws, rep, type="email", completed_at=at(2))
    meeting = await log(client, ws, owner, type="meeting", completed_at=at(3))
    system = await make_system_entry(ws, deal, occurred_at=T0 + timedelta(hours=4))

    async def ids(**params: object) -> set[str]:
        page = (await client.get(url(ws), params=params, headers=owner.headers)).json()
        assert page["total"] == len(page["items"])
        return {item["id"] for item in page["items"]}

    assert await ids(type=["call", "email"]) == {call["id"], email["id"]}
    assert await ids(owner_id=str(rep.id)) == {email["id"]}
    assert await ids(deal_id=deal) == {call["id"], system}
    assert await ids(**{"from": at(2), "to": at(3)}) == {email["id"]}
    assert await ids(include_system="false") == {call["id"], email["id"], meeting["id"]}
    assert system in await ids()


async def test_timeline_is_filterable_too(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    call = await log(client, ws, owner, deal_id=deal, completed_at=at(1))
    await make_system_entry(ws, deal)
    page = await client.get(
        url(ws, f"/deals/{deal}/timeline"), params={"include_system": False}, headers=owner.headers
    )
    assert [item["id"] for item in page.json()["items"]] == [call["id"]]


async def test_only_done_activities_move_the_deals_last_activity_forward(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    task = await log(client, ws, owner, type="task", deal_id=deal, scheduled_at=at(0))
    assert await last_activity_at(deal) is None
    await log(client, ws, owner, deal_id=deal, completed_at=at(5))
    assert await last_activity_at(deal) == T0 + timedelta(hours=5)
    await log(client, ws, owner, deal_id=deal, completed_at=at(2))  # logged late, happened earlier
    assert await last_activity_at(deal) == T0 + timedelta(hours=5)
    done = await client.patch(
        url(ws, f"/activities/{task['id']}"), json={"completed_at": at(9)}, headers=owner.headers
    )
    assert done.status_code == 200
    assert await last_activity_at(deal) == T0 + timedelta(hours=9)


async def test_system_entries_do_not_count_as_activity_on_the_deal(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    await make_system_entry(ws, deal)
    assert await last_activity_at(deal) is None


async def test_system_entries_are_read_only(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    entry = await make_system_entry(ws, deal)
    path = url(ws, f"/activities/{entry}")
    patched = await client.patch(path, json={"subject": "rewritten"}, headers=owner.headers)
    assert patched.status_code == 409
    assert patched.json()["error"]["code"] == "system_activity_read_only"
    deleted = await client.delete(path, headers=owner.headers)
    assert deleted.status_code == 409
    read = await client.get(path, headers=owner.headers)
    assert read.json()["subject"] == "Moved from lead to qualified"
    assert read.json()["system_event"] == "stage_changed"


async def test_patch_changes_only_sent_fields_and_recomputes_occurred_at(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await log(client, ws, owner, body="notes", scheduled_at=at(1), completed_at=at(2))
    path = url(ws, f"/activities/{created['id']}")
    reopened = (await client.patch(path, json={"completed_at": None}, headers=owner.headers)).json()
    assert reopened["completed_at"] is None
    assert reopened["occurred_at"] == reopened["scheduled_at"]
    assert reopened["body"] == "notes"
    assert reopened["subject"] == created["subject"]
    cleared = await client.patch(path, json={"subject": None}, headers=owner.headers)
    assert cleared.status_code == 422
    to_system = await client.patch(path, json={"type": "system"}, headers=owner.headers)
    assert to_system.status_code == 422


async def test_deleted_activity_is_gone(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await log(client, ws, owner)
    path = url(ws, f"/activities/{created['id']}")
    assert (await client.delete(path, headers=owner.headers)).status_code == 204
    assert (await client.get(path, headers=owner.headers)).status_code == 404
    assert (await client.get(url(ws), headers=owner.headers)).json()["total"] == 0


async def test_invalid_cursor_is_a_bad_request(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    for cursor in ("not-a-cursor", "WyJ4IiwieSJd"):  # the second is ["x","y"]
        response = await client.get(url(ws), params={"cursor": cursor}, headers=owner.headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_cursor"


async def test_viewer_reads_but_cannot_write(client: AsyncClient) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    deal = await make_deal(ws)
    created = await log(client, ws, owner, deal_id=deal)
    path = url(ws, f"/activities/{created['id']}")
    writes = [
        ("POST", url(ws), {"type": "note", "subject": "x"}),
        ("PATCH", path, {"subject": "x"}),
        ("DELETE", path, None),
    ]
    for method, target, body in writes:
        response = await client.request(method, target, json=body, headers=viewer.headers)
        assert response.status_code == 403, (method, target)
    for target in (url(ws), path, url(ws, f"/deals/{deal}/timeline")):
        assert (await client.get(target, headers=viewer.headers)).status_code == 200


async def test_outsider_gets_404_on_every_activity_route(client: AsyncClient) -> None:
    owner, mallory = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await make_workspace(client, mallory)
    deal = await make_deal(ws)
    created = await log(client, ws, owner, deal_id=deal)
    path = url(ws, f"/activities/{created['id']}")
    attempts = [
        ("GET", url(ws), None),
        ("POST", url(ws), {"type": "note", "subject": "x", "deal_id": deal}),
        ("GET", path, None),
        ("PATCH", path, {"subject": "pwned"}),
        ("DELETE", path, None),
        ("GET", url(ws, f"/deals/{deal}/timeline"), None),
        ("POST", url(ws), {"type": "bogus"}),
    ]
    for method, target, body in attempts:
        response = await client.request(method, target, json=body, headers=mallory.headers)
        assert response.status_code == 404, (method, target, response.text)
    read = await client.get(path, headers=owner.headers)
    assert read.json()["subject"] == created["subject"]


async def test_activity_of_another_workspace_is_not_found_by_id(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    foreign = await log(client, other, owner)
    response = await client.get(url(ws, f"/activities/{foreign['id']}"), headers=owner.headers)
    assert response.status_code == 404
    missing = await client.get(url(ws, f"/activities/{uuid.uuid4()}"), headers=owner.headers)
    assert missing.status_code == 404


async def test_changes_are_published_to_the_workspace(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    dsn = make_url(sync_engine.url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(f"listen {CHANNEL}")
        created = await log(client, ws, owner, deal_id=deal, completed_at=at(1))
        await client.delete(url(ws, f"/activities/{created['id']}"), headers=owner.headers)
        events = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=3)]
    assert [(e["type"], e["workspace_id"]) for e in events] == [
        ("activity.created", ws),
        ("deal.updated", ws),
        ("activity.deleted", ws),
    ]
    assert events[0]["data"] == {"id": created["id"], "deal_id": deal, "type": "call"}
