from httpx import AsyncClient

from tests.factories import add_member, make_user, make_workspace


async def test_api_key_works_with_its_role_and_stops_when_revoked(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys",
        json={"name": "Zapier", "role": "viewer"},
        headers=owner.headers,
    )
    assert created.status_code == 201
    key = created.json()
    key_headers = {"Authorization": f"Bearer {key['secret']}"}

    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=key_headers)).status_code == 200
    write = await client.patch(f"/api/v1/workspaces/{ws}", json={"name": "x"}, headers=key_headers)
    assert write.status_code == 403

    listed = (await client.get(f"/api/v1/workspaces/{ws}/api-keys", headers=owner.headers)).json()
    assert listed[0]["prefix"] == key["prefix"]
    assert listed[0]["last_used_at"] is not None
    assert "secret" not in listed[0]

    revoked = await client.delete(
        f"/api/v1/workspaces/{ws}/api-keys/{key['id']}", headers=owner.headers
    )
    assert revoked.status_code == 204
    after = await client.get(f"/api/v1/workspaces/{ws}", headers=key_headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "invalid_api_key"


async def test_api_key_is_invisible_outside_its_workspace(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    secret = (
        await client.post(
            f"/api/v1/workspaces/{ws}/api-keys", json={"name": "k"}, headers=owner.headers
        )
    ).json()["secret"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await client.get(f"/api/v1/workspaces/{other}", headers=headers)).status_code == 404
    # A workspace key is not a user: account routes refuse it.
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/workspaces", headers=headers)).status_code == 403


async def test_tampered_api_key_is_refused(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    secret = (
        await client.post(
            f"/api/v1/workspaces/{ws}/api-keys", json={"name": "k"}, headers=owner.headers
        )
    ).json()["secret"]
    forged = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")
    response = await client.get(
        f"/api/v1/workspaces/{ws}", headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401


async def test_key_role_cannot_exceed_the_creators(client: AsyncClient) -> None:
    owner, admin = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, admin, "admin")
    for role in ("owner",):
        response = await client.post(
            f"/api/v1/workspaces/{ws}/api-keys",
            json={"name": "k", "role": role},
            headers=admin.headers,
        )
        assert response.status_code == 403
    ok = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys",
        json={"name": "k", "role": "admin"},
        headers=admin.headers,
    )
    assert ok.status_code == 201
