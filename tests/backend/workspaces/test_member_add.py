"""Adding a member invites: the same answer for any email, and nobody joins without accepting."""

import uuid

from httpx import AsyncClient

from tests.factories import accept_invitation, make_user, make_workspace


async def test_adding_a_registered_user_does_not_make_them_a_member(client: AsyncClient) -> None:
    owner, colleague = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)

    added = await client.post(
        f"/api/v1/workspaces/{ws}/members",
        json={"email": colleague.email, "role": "admin"},
        headers=owner.headers,
    )

    assert added.status_code == 202, added.text
    members = await client.get(f"/api/v1/workspaces/{ws}/members", headers=owner.headers)
    assert [m["email"] for m in members.json()] == [owner.email]
    assert (await client.get("/api/v1/workspaces", headers=colleague.headers)).json() == []
    assert (
        await client.get(f"/api/v1/workspaces/{ws}", headers=colleague.headers)
    ).status_code == 404

    await accept_invitation(client, colleague, added.json()["accept_url"])
    joined = await client.get("/api/v1/workspaces", headers=colleague.headers)
    assert [(w["id"], w["role"]) for w in joined.json()] == [(ws, "admin")]


async def test_the_answer_does_not_tell_whether_the_email_has_an_account(
    client: AsyncClient,
) -> None:
    owner, registered = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"

    answers = [
        await client.post(
            f"/api/v1/workspaces/{ws}/members",
            json={"email": email, "role": "member"},
            headers=owner.headers,
        )
        for email in (registered.email, unknown)
    ]

    assert [a.status_code for a in answers] == [202, 202]
    first, second = (a.json() for a in answers)
    assert first.keys() == second.keys()
    ignored = {"id", "email", "created_at", "expires_at", "accept_url"}
    assert {k: v for k, v in first.items() if k not in ignored} == {
        k: v for k, v in second.items() if k not in ignored
    }
