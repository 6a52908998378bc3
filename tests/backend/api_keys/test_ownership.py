"""API keys belong to their creator: never more than the creator's current role, revoked when
the creator leaves, refused once the creator's account is gone."""

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy import Engine, text

from tests.factories import Account, add_member, make_user, make_workspace


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def create_key(
    client: AsyncClient, ws: str, headers: dict[str, str], role: str, name: str = "k"
) -> dict:
    created = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys", json={"name": name, "role": role}, headers=headers
    )
    assert created.status_code == 201, created.text
    return created.json()


async def set_role(client: AsyncClient, ws: str, owner: Account, who: Account, role: str) -> None:
    changed = await client.patch(
        f"/api/v1/workspaces/{ws}/members/{who.id}", json={"role": role}, headers=owner.headers
    )
    assert changed.status_code == 200, changed.text


async def team(client: AsyncClient) -> tuple[Account, Account, str]:
    owner, admin = await make_user(client), await make_user(client, name="Grace Admin")
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, admin, "admin")
    return owner, admin, ws


async def test_demoting_the_creator_caps_the_key(client: AsyncClient) -> None:
    owner, admin, ws = await team(client)
    key = bearer((await create_key(client, ws, admin.headers, "admin"))["secret"])
    rename = {"name": "Renamed"}
    assert (await client.patch(f"/api/v1/workspaces/{ws}", json=rename, headers=key)).is_success

    await set_role(client, ws, owner, admin, "viewer")

    refused = await client.patch(f"/api/v1/workspaces/{ws}", json=rename, headers=key)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    # It still reads, as a viewer: the lower of the key's role and its creator's.
    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=key)).status_code == 200
    assert (await client.get(f"/api/v1/workspaces/{ws}/api-keys", headers=key)).status_code == 403

    # The cap follows the creator's role as it is now, both ways.
    await set_role(client, ws, owner, admin, "admin")
    assert (await client.patch(f"/api/v1/workspaces/{ws}", json=rename, headers=key)).is_success


async def test_a_key_cannot_mint_a_key_above_its_creators_current_role(
    client: AsyncClient,
) -> None:
    owner, admin, ws = await team(client)
    key = bearer((await create_key(client, ws, admin.headers, "admin"))["secret"])
    minted = await create_key(client, ws, key, "admin", name="minted")
    # A key created with a key belongs to the same person.
    assert minted["created_by_id"] == str(admin.id)
    owner_key = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys", json={"name": "x", "role": "owner"}, headers=key
    )
    assert owner_key.status_code == 403

    await set_role(client, ws, owner, admin, "member")

    for role in ("admin", "member", "viewer"):
        refused = await client.post(
            f"/api/v1/workspaces/{ws}/api-keys", json={"name": "x", "role": role}, headers=key
        )
        assert refused.status_code == 403, role
    # A member cannot create keys either, with any credential.
    refused = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys",
        json={"name": "x", "role": "viewer"},
        headers=admin.headers,
    )
    assert refused.status_code == 403
    # The key minted earlier is capped the same way.
    minted_headers = bearer(minted["secret"])
    assert (
        await client.patch(f"/api/v1/workspaces/{ws}", json={"name": "y"}, headers=minted_headers)
    ).status_code == 403


async def test_removing_the_creator_revokes_their_keys(client: AsyncClient) -> None:
    owner, admin, ws = await team(client)
    key = await create_key(client, ws, admin.headers, "admin")
    minted = await create_key(client, ws, bearer(key["secret"]), "viewer", name="minted")
    owners_key = await create_key(client, ws, owner.headers, "viewer", name="owner's")

    removed = await client.delete(
        f"/api/v1/workspaces/{ws}/members/{admin.id}", headers=owner.headers
    )
    assert removed.status_code == 204

    for secret in (key["secret"], minted["secret"]):
        refused = await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(secret))
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_api_key"
    listed = {
        k["id"]: k
        for k in (
            await client.get(f"/api/v1/workspaces/{ws}/api-keys", headers=owner.headers)
        ).json()
    }
    assert listed[key["id"]]["revoked_at"] is not None
    assert listed[minted["id"]]["revoked_at"] is not None
    assert listed[owners_key["id"]]["revoked_at"] is None
    assert (
        await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(owners_key["secret"]))
    ).status_code == 200


async def test_a_removed_creators_key_cannot_bring_them_back(client: AsyncClient) -> None:
    owner, admin, ws = await team(client)
    key = bearer((await create_key(client, ws, admin.headers, "admin"))["secret"])
    await client.delete(f"/api/v1/workspaces/{ws}/members/{admin.id}", headers=owner.headers)

    readd = await client.post(
        f"/api/v1/workspaces/{ws}/members",
        json={"email": admin.email, "role": "admin"},
        headers=key,
    )
    minted = await client.post(
        f"/api/v1/workspaces/{ws}/api-keys", json={"name": "x", "role": "admin"}, headers=key
    )

    assert readd.status_code == minted.status_code == 401
    members = (await client.get(f"/api/v1/workspaces/{ws}/members", headers=owner.headers)).json()
    assert [m["email"] for m in members] == [owner.email]
    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=admin.headers)).status_code == 404


async def test_leaving_revokes_your_keys(client: AsyncClient) -> None:
    owner, admin, ws = await team(client)
    key = bearer((await create_key(client, ws, admin.headers, "viewer"))["secret"])

    left = await client.delete(f"/api/v1/workspaces/{ws}/members/{admin.id}", headers=admin.headers)

    assert left.status_code == 204
    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=key)).status_code == 401


async def test_the_key_of_a_deleted_account_stops_working(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner, admin, ws = await team(client)
    key = await create_key(client, ws, admin.headers, "admin")

    with sync_engine.begin() as conn:
        conn.execute(text('delete from "user" where id = :id'), {"id": admin.id})

    refused = await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(key["secret"]))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_api_key"
    listed = (await client.get(f"/api/v1/workspaces/{ws}/api-keys", headers=owner.headers)).json()
    assert listed[0]["created_by_id"] is None


async def test_admins_see_who_holds_each_key(client: AsyncClient) -> None:
    owner, admin, ws = await team(client)
    await create_key(client, ws, admin.headers, "viewer", name="admin's")
    await create_key(client, ws, owner.headers, "admin", name="owner's")

    listed = (await client.get(f"/api/v1/workspaces/{ws}/api-keys", headers=admin.headers)).json()

    holders = {k["name"]: (k["created_by_id"], k["created_by_email"]) for k in listed}
    assert holders == {
        "admin's": (str(admin.id), admin.email),
        "owner's": (str(owner.id), owner.email),
    }
    assert {k["created_by_name"] for k in listed} == {"Grace Admin", "Ada Seller"}


async def test_last_use_is_written_at_most_once_a_minute(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    key = await create_key(client, ws, owner.headers, "viewer")

    def last_used() -> datetime | None:
        with sync_engine.connect() as conn:
            return conn.scalar(
                text("select last_used_at from api_key where id = :id"), {"id": key["id"]}
            )

    await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(key["secret"]))
    first = last_used()
    assert first is not None
    await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(key["secret"]))
    assert last_used() == first

    stale = datetime.now(UTC) - timedelta(minutes=2)
    with sync_engine.begin() as conn:
        conn.execute(
            text("update api_key set last_used_at = :at where id = :id"),
            {"at": stale, "id": key["id"]},
        )
    await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(key["secret"]))
    touched = last_used()
    assert touched is not None and touched > stale + timedelta(minutes=1)
