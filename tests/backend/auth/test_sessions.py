"""A login is a session: logout, a password change elsewhere and refresh-token reuse end it,
its access tokens included, at once."""

import uuid
from typing import Any

from httpx import AsyncClient
from jose import jwt

from backend.auth.deps import WorkspaceContext
from backend.chat.service import assistant_token
from backend.config import settings
from backend.models import Role
from tests.factories import PASSWORD, Account, make_user, make_workspace

NEW_PASSWORD = "a-brand-new-password"


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def session_of(access_token: str) -> uuid.UUID:
    return uuid.UUID(jwt.get_unverified_claims(access_token)["sid"])


def assert_session_ended(response: Any) -> None:
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "session_revoked"


async def test_logout_ends_its_access_token_at_once(client: AsyncClient) -> None:
    account = await make_user(client)
    other = await login(client, account.email)
    assert (await client.get("/api/v1/users/me", headers=account.headers)).status_code == 200

    out = await client.post("/api/v1/auth/logout", json={"refresh_token": account.refresh_token})

    assert out.status_code == 204
    assert_session_ended(await client.get("/api/v1/users/me", headers=account.headers))
    # Another login of the same account is another session: untouched.
    still = await client.get("/api/v1/users/me", headers=bearer(other["access_token"]))
    assert still.status_code == 200


async def test_logout_ends_access_tokens_issued_by_refresh_too(client: AsyncClient) -> None:
    account = await make_user(client)
    rotated = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    ).json()

    await client.post("/api/v1/auth/logout", json={"refresh_token": rotated["refresh_token"]})

    for token in (account.access_token, rotated["access_token"]):
        assert_session_ended(await client.get("/api/v1/users/me", headers=bearer(token)))


async def test_password_change_ends_every_other_session(client: AsyncClient) -> None:
    account = await make_user(client)
    laptop, phone = await login(client, account.email), await login(client, account.email)

    changed = await client.patch(
        "/api/v1/users/me",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=account.headers,
    )
    assert changed.status_code == 200

    for other in (laptop, phone):
        refused = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}
        )
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_refresh_token"
        assert_session_ended(
            await client.get("/api/v1/users/me", headers=bearer(other["access_token"]))
        )
    # The session that changed the password goes on, access and refresh alike.
    assert (await client.get("/api/v1/users/me", headers=account.headers)).status_code == 200
    kept = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert kept.status_code == 200
    me = await client.get("/api/v1/users/me", headers=bearer(kept.json()["access_token"]))
    assert me.status_code == 200
    # And a new login with the new password is a fresh, working session.
    fresh = await login(client, account.email, NEW_PASSWORD)
    assert (await client.get("/api/v1/users/me", headers=bearer(fresh["access_token"]))).is_success


async def test_a_rename_ends_no_session(client: AsyncClient) -> None:
    account = await make_user(client)
    other = await login(client, account.email)

    renamed = await client.patch("/api/v1/users/me", json={"name": "Ada"}, headers=account.headers)

    assert renamed.status_code == 200
    assert (
        await client.get("/api/v1/users/me", headers=bearer(other["access_token"]))
    ).status_code == 200


async def test_refresh_token_reuse_ends_the_sessions_access_tokens(client: AsyncClient) -> None:
    account = await make_user(client)
    rotated = (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    ).json()

    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )

    assert reused.json()["error"]["code"] == "refresh_token_reused"
    assert_session_ended(
        await client.get("/api/v1/users/me", headers=bearer(rotated["access_token"]))
    )


def forge(account: Account, **claims: Any) -> str:
    payload = {"sub": str(account.id), "type": "access", "exp": 4102444800, **claims}
    return jwt.encode(payload, settings.jwt_secret, algorithm=settings.jwt_algorithm)


async def test_an_account_token_without_a_session_is_refused(client: AsyncClient) -> None:
    account = await make_user(client)

    response = await client.get("/api/v1/users/me", headers=bearer(forge(account)))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_an_account_token_must_name_a_session_of_its_own_user(client: AsyncClient) -> None:
    account, stranger = await make_user(client), await make_user(client)
    assert (await client.get("/api/v1/users/me", headers=account.headers)).status_code == 200
    cases = {
        "someone else's session": forge(account, sid=str(session_of(stranger.access_token))),
        "unknown session": forge(account, sid=str(uuid.uuid4())),
        "not a uuid": forge(account, sid="garbage"),
    }
    for case, token in cases.items():
        response = await client.get("/api/v1/users/me", headers=bearer(token))
        assert response.status_code == 401, case
        assert response.json()["error"]["code"] in ("invalid_token", "session_revoked"), case


async def test_the_assistants_token_ends_with_the_login_it_was_made_for(
    client: AsyncClient,
) -> None:
    account = await make_user(client)
    ws = await make_workspace(client, account)
    ctx = WorkspaceContext(
        uuid.UUID(ws), Role.owner, account.id, None, session_id=session_of(account.access_token)
    )
    token = assistant_token(ctx)
    assert jwt.get_unverified_claims(token)["sid"] == str(ctx.session_id)
    assert (await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(token))).status_code == 200

    await client.post("/api/v1/auth/logout", json={"refresh_token": account.refresh_token})

    assert_session_ended(await client.get(f"/api/v1/workspaces/{ws}", headers=bearer(token)))
