import uuid

from httpx import AsyncClient

from tests.backend.invitations.conftest import (
    invite,
    pending,
    pending_emails,
    stranger_email,
)
from tests.factories import add_member, make_user, make_workspace


async def test_inviting_an_email_without_an_account_answers_202_with_the_invitation(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    response = await invite(client, ws, owner, email, "admin")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["email"] == email
    assert body["role"] == "admin"
    assert body["invited_by_id"] == str(owner.id)
    assert {"id", "created_at"} <= body.keys()


async def test_inviting_a_registered_user_only_invites_them(client: AsyncClient) -> None:
    owner, colleague = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    response = await invite(client, ws, owner, colleague.email, "viewer")
    assert response.status_code == 202, response.text
    assert response.json()["email"] == colleague.email
    assert await pending_emails(client, ws, owner) == [colleague.email]
    members = await client.get(f"/api/v1/workspaces/{ws}/members", headers=owner.headers)
    assert [m["email"] for m in members.json()] == [owner.email]
    assert (
        await client.get(f"/api/v1/workspaces/{ws}", headers=colleague.headers)
    ).status_code == 404


async def test_pending_invitations_are_listed_newest_first_even_to_viewers(
    client: AsyncClient,
) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    first, second = stranger_email(), stranger_email()
    assert (await invite(client, ws, owner, first)).status_code == 202
    assert (await invite(client, ws, owner, second, "viewer")).status_code == 202
    listed = await client.get(f"/api/v1/workspaces/{ws}/invitations", headers=viewer.headers)
    assert listed.status_code == 200
    assert [(i["email"], i["role"]) for i in listed.json()] == [
        (second, "viewer"),
        (first, "member"),
    ]


async def test_inviting_the_same_email_again_in_any_case_refreshes_the_invitation(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    first = await invite(client, ws, owner, email)
    assert first.status_code == 202
    again = await invite(client, ws, owner, email.upper(), "admin")
    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["role"] == "admin"
    assert again.json()["accept_url"] != first.json()["accept_url"]
    assert again.json()["expires_at"] >= first.json()["expires_at"]
    assert [(i["email"], i["role"]) for i in await pending(client, ws, owner)] == [(email, "admin")]


async def test_the_same_email_may_be_invited_to_several_workspaces(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    email = stranger_email()
    assert (await invite(client, ws, owner, email)).status_code == 202
    assert (await invite(client, other, owner, email)).status_code == 202
    assert await pending_emails(client, other, owner) == [email]


async def test_invitations_are_stored_lowercased(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    response = await invite(client, ws, owner, "Grace.Hopper@Example.COM")
    assert response.status_code == 202
    assert response.json()["email"] == "grace.hopper@example.com"


async def test_an_admin_cannot_invite_or_revoke_an_owner(client: AsyncClient) -> None:
    owner, admin = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, admin, "admin")
    refused = await invite(client, ws, admin, stranger_email(), "owner")
    assert refused.status_code == 403
    by_owner = await invite(client, ws, owner, stranger_email(), "owner")
    # Nor turn an owner invitation into another one by inviting its email again.
    downgrade = await invite(client, ws, admin, by_owner.json()["email"], "member")
    assert downgrade.status_code == 403
    assert [i["role"] for i in await pending(client, ws, owner)] == ["owner"]
    revoke = await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{by_owner.json()['id']}", headers=admin.headers
    )
    assert revoke.status_code == 403
    assert await pending_emails(client, ws, owner) == [by_owner.json()["email"]]


async def test_a_revoked_invitation_disappears_from_the_list(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    invited = await invite(client, ws, owner, stranger_email())
    url = f"/api/v1/workspaces/{ws}/invitations/{invited.json()['id']}"
    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert await pending_emails(client, ws, owner) == []
    again = await client.delete(url, headers=owner.headers)
    assert again.status_code == 404


async def test_another_workspaces_invitation_cannot_be_revoked_through_yours(
    client: AsyncClient,
) -> None:
    owner, rival = await make_user(client), await make_user(client)
    ws, rival_ws = await make_workspace(client, owner), await make_workspace(client, rival)
    theirs = await invite(client, rival_ws, rival, stranger_email())
    response = await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{theirs.json()['id']}", headers=owner.headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert await pending_emails(client, rival_ws, rival) == [theirs.json()["email"]]


async def test_outsiders_get_404_on_the_invitation_routes(client: AsyncClient) -> None:
    owner, outsider = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    invited = await invite(client, ws, owner, stranger_email())
    base = f"/api/v1/workspaces/{ws}"
    attempts = [
        ("GET", f"{base}/invitations", None),
        ("DELETE", f"{base}/invitations/{invited.json()['id']}", None),
        ("POST", f"{base}/members", {"email": stranger_email(), "role": "member"}),
    ]
    for method, url, body in attempts:
        response = await client.request(method, url, json=body, headers=outsider.headers)
        assert response.status_code == 404, (method, url, response.text)
    assert len(await pending_emails(client, ws, owner)) == 1


async def test_viewers_and_members_get_403_when_inviting_or_revoking(client: AsyncClient) -> None:
    owner, viewer, member = [await make_user(client) for _ in range(3)]
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    await add_member(client, ws, owner, member, "member")
    invited = await invite(client, ws, owner, stranger_email())
    for account in (viewer, member):
        refused = await invite(client, ws, account, stranger_email())
        assert refused.status_code == 403
        revoke = await client.delete(
            f"/api/v1/workspaces/{ws}/invitations/{invited.json()['id']}",
            headers=account.headers,
        )
        assert revoke.status_code == 403
    assert await pending_emails(client, ws, owner) == [invited.json()["email"]]


async def test_an_unknown_invitation_id_is_404(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    response = await client.delete(
        f"/api/v1/workspaces/{ws}/invitations/{uuid.uuid4()}", headers=owner.headers
    )
    assert response.status_code == 404
