"""Conversations: each user sees, reads and deletes only their own, in their workspace."""

import pytest
from httpx import AsyncClient

from backend.config import settings
from tests.ai_core.agents.factories import Seeded
from tests.ai_core.chat.sse import parse_sse
from tests.factories import Account, add_member, make_user

# One worker serves the chat stacks when tests run with `--dist loadgroup`.
pytestmark = pytest.mark.xdist_group("chat-stacks")


def chat_url(seeded: Seeded, path: str = "") -> str:
    return f"/api/v1/workspaces/{seeded.a.workspace_id}/chat{path}"


async def start(api: AsyncClient, seeded: Seeded, message: str, as_: Account | None = None) -> str:
    response = await api.post(
        chat_url(seeded), json={"message": message}, headers=(as_ or seeded.owner).headers
    )
    assert response.status_code == 200, response.text
    name, done = parse_sse(response.text)[-1]
    assert name == "done", response.text
    return done["conversation_id"]


async def test_my_conversations_are_listed_most_recent_first(
    no_key_api: AsyncClient, seeded: Seeded
) -> None:
    older = await start(no_key_api, seeded, "pipeline")
    newer = await start(no_key_api, seeded, "forecast")
    await no_key_api.post(
        chat_url(seeded),
        json={"message": "funnel", "conversation_id": older},
        headers=seeded.owner.headers,
    )

    response = await no_key_api.get(
        chat_url(seeded, "/conversations"), headers=seeded.owner.headers
    )

    assert response.status_code == 200
    page = response.json()
    assert [c["id"] for c in page["items"]] == [older, newer]
    assert [c["title"] for c in page["items"]] == ["pipeline", "forecast"]
    assert page["total"] == 2


async def test_the_list_pages_with_a_cursor(no_key_api: AsyncClient, seeded: Seeded) -> None:
    ids = [await start(no_key_api, seeded, f"pipeline {n}") for n in range(3)]
    headers = seeded.owner.headers

    first = (
        await no_key_api.get(
            chat_url(seeded, "/conversations"), params={"limit": 2}, headers=headers
        )
    ).json()
    second = (
        await no_key_api.get(
            chat_url(seeded, "/conversations"),
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=headers,
        )
    ).json()

    assert [c["id"] for c in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None


async def test_colleagues_do_not_see_each_others_conversations(
    no_key_api: AsyncClient, seeded: Seeded, client: AsyncClient
) -> None:
    colleague = await make_user(client, name="Col League")
    await add_member(client, seeded.a.workspace_id, seeded.owner, colleague, "member")
    mine = await start(no_key_api, seeded, "pipeline")
    theirs = await start(no_key_api, seeded, "forecast", as_=colleague)

    listed = await no_key_api.get(chat_url(seeded, "/conversations"), headers=colleague.headers)
    read = await no_key_api.get(
        chat_url(seeded, f"/conversations/{mine}"), headers=colleague.headers
    )
    deleted = await no_key_api.delete(
        chat_url(seeded, f"/conversations/{mine}"), headers=colleague.headers
    )

    assert [c["id"] for c in listed.json()["items"]] == [theirs]
    assert read.status_code == deleted.status_code == 404
    still = await no_key_api.get(
        chat_url(seeded, f"/conversations/{mine}"), headers=seeded.owner.headers
    )
    assert still.status_code == 200


async def test_deleting_a_conversation_removes_it_and_its_messages(
    no_key_api: AsyncClient, seeded: Seeded, sync_engine
) -> None:
    from sqlalchemy import text

    conversation_id = await start(no_key_api, seeded, "pipeline")

    deleted = await no_key_api.delete(
        chat_url(seeded, f"/conversations/{conversation_id}"), headers=seeded.owner.headers
    )

    assert deleted.status_code == 204
    read = await no_key_api.get(
        chat_url(seeded, f"/conversations/{conversation_id}"), headers=seeded.owner.headers
    )
    assert read.status_code == 404
    with sync_engine.connect() as conn:
        left = conn.scalar(
            text("select count(*) from chat_message where conversation_id = :id"),
            {"id": conversation_id},
        )
    assert left == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "", {"message": "pipeline"}),
        ("GET", "/conversations", None),
        ("GET", "/conversations/{id}", None),
        ("DELETE", "/conversations/{id}", None),
    ],
)
async def test_outsiders_get_404_on_every_chat_route(
    no_key_api: AsyncClient,
    seeded: Seeded,
    client: AsyncClient,
    method: str,
    path: str,
    body: dict | None,
) -> None:
    conversation_id = await start(no_key_api, seeded, "pipeline")
    outsider = await make_user(client, name="Out Sider")

    response = await no_key_api.request(
        method,
        chat_url(seeded, path.format(id=conversation_id)),
        json=body,
        headers=outsider.headers,
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_an_unreachable_ai_core_is_an_error_event_and_the_question_is_kept(
    client: AsyncClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "ai_core_url", "http://127.0.0.1:9")

    response = await client.post(
        chat_url(seeded), json={"message": "pipeline"}, headers=seeded.owner.headers
    )

    assert response.status_code == 200
    [(name, data)] = parse_sse(response.text)
    assert name == "error"
    assert (
        data["message"] == "The assistant is unavailable right now. Please try again in a moment."
    )
    stored = await client.get(
        chat_url(seeded, f"/conversations/{data['conversation_id']}"), headers=seeded.owner.headers
    )
    assert [m["role"] for m in stored.json()["messages"]] == ["user"]


async def test_an_ai_core_refusing_the_service_token_is_an_error_event(
    client: AsyncClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, stacks
) -> None:
    monkeypatch.setattr(settings, "ai_core_url", stacks["no_key"].ai_core_url)
    monkeypatch.setattr(settings, "service_token", "not-the-service-token")

    response = await client.post(
        chat_url(seeded), json={"message": "pipeline"}, headers=seeded.owner.headers
    )

    assert [name for name, _ in parse_sse(response.text)] == ["error"]


async def test_a_message_too_long_is_refused(client: AsyncClient, seeded: Seeded) -> None:
    response = await client.post(
        chat_url(seeded), json={"message": "x" * 4001}, headers=seeded.owner.headers
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "body.message"


async def test_api_keys_cannot_chat(client: AsyncClient, seeded: Seeded) -> None:
    created = await client.post(
        f"/api/v1/workspaces/{seeded.a.workspace_id}/api-keys",
        json={"name": "reporting", "role": "admin"},
        headers=seeded.owner.headers,
    )
    headers = {"Authorization": f"Bearer {created.json()['secret']}"}

    asked = await client.post(chat_url(seeded), json={"message": "pipeline"}, headers=headers)
    listed = await client.get(chat_url(seeded, "/conversations"), headers=headers)

    assert asked.status_code == listed.status_code == 403
