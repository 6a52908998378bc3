import uuid

from httpx import AsyncClient

from tests.factories import add_member, make_user, make_workspace


async def test_creator_owns_the_workspace_and_sees_it_listed(client: AsyncClient) -> None:
    owner = await make_user(client)
    workspace_id = await make_workspace(client, owner, "Northwind")
    listed = await client.get("/api/v1/workspaces", headers=owner.headers)
    assert [(w["id"], w["role"]) for w in listed.json()] == [(workspace_id, "owner")]


async def test_other_tenant_gets_404_on_every_workspace_route(client: AsyncClient) -> None:
    alice, mallory = await make_user(client), await make_user(client)
    ws = await make_workspace(client, alice)
    await make_workspace(client, mallory)
    base = f"/api/v1/workspaces/{ws}"
    attempts = [
        ("GET", base, None),
        ("PATCH", base, {"name": "pwned"}),
        ("GET", f"{base}/members", None),
        ("POST", f"{base}/members", {"email": mallory.email, "role": "owner"}),
        ("PATCH", f"{base}/members/{alice.id}", {"role": "viewer"}),
        ("DELETE", f"{base}/members/{alice.id}", None),
        ("GET", f"{base}/api-keys", None),
        ("POST", f"{base}/api-keys", {"name": "steal"}),
        ("DELETE", f"{base}/api-keys/{uuid.uuid4()}", None),
        # Even a malformed body must not reveal that the workspace exists.
        ("PATCH", base, {"unknown": 1}),
    ]
    for method, url, body in attempts:
        response = await client.request(method, url, json=body, headers=mallory.headers)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["error"]["code"] == "not_found"
    unchanged = await client.get(base, headers=alice.headers)
    assert unchanged.json()["name"] == "Acme Sales"
    assert mallory.email not in {
        m["email"] for m in (await client.get(f"{base}/members", headers=alice.headers)).json()
    }


async def test_viewer_reads_but_cannot_write(client: AsyncClient) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    base = f"/api/v1/workspaces/{ws}"
    assert (await client.get(base, headers=viewer.headers)).status_code == 200
    assert (await client.get(f"{base}/members", headers=viewer.headers)).status_code == 200
    for method, url, body in [
        ("PATCH", base, {"name": "renamed"}),
        ("POST", f"{base}/members", {"email": owner.email, "role": "viewer"}),
        ("PATCH", f"{base}/members/{owner.id}", {"role": "viewer"}),
        ("DELETE", f"{base}/members/{owner.id}", None),
        ("POST", f"{base}/api-keys", {"name": "k"}),
    ]:
        response = await client.request(method, url, json=body, headers=viewer.headers)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["error"]["code"] == "forbidden"


async def test_admin_cannot_grant_owner_and_last_owner_stays(client: AsyncClient) -> None:
    owner, admin = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, admin, "admin")
    base = f"/api/v1/workspaces/{ws}/members"

    grant = await client.patch(f"{base}/{admin.id}", json={"role": "owner"}, headers=admin.headers)
    assert grant.status_code == 403

    demote_self = await client.patch(
        f"{base}/{owner.id}", json={"role": "member"}, headers=owner.headers
    )
    assert demote_self.status_code == 409
    assert demote_self.json()["error"]["code"] == "last_owner"
    leave = await client.delete(f"{base}/{owner.id}", headers=owner.headers)
    assert leave.status_code == 409

    promote = await client.patch(
        f"{base}/{admin.id}", json={"role": "owner"}, headers=owner.headers
    )
    assert promote.status_code == 200
    leave = await client.delete(f"{base}/{owner.id}", headers=owner.headers)
    assert leave.status_code == 204
    gone = await client.get(f"/api/v1/workspaces/{ws}", headers=owner.headers)
    assert gone.status_code == 404


async def test_adding_an_existing_member_again_is_explained(client: AsyncClient) -> None:
    # An email without an account is invited instead (tests/backend/invitations).
    owner, member = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    base = f"/api/v1/workspaces/{ws}/members"
    await add_member(client, ws, owner, member, "member")
    again = await client.post(
        base, json={"email": member.email, "role": "member"}, headers=owner.headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_member"
