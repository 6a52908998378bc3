import uuid
from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from jose import jwt

from backend.config import settings
from tests.factories import PASSWORD, make_user


async def test_register_login_refresh_reuse_logout(client: AsyncClient) -> None:
    account = await make_user(client)

    me = await client.get("/api/v1/users/me", headers=account.headers)
    assert me.status_code == 200
    assert me.json()["email"] == account.email

    rotated = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert rotated.status_code == 200
    new_refresh = rotated.json()["refresh_token"]
    assert new_refresh != account.refresh_token

    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "refresh_token_reused"

    # Reuse revoked the whole family, including the token issued by the honest rotation.
    after_reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": new_refresh})
    assert after_reuse.status_code == 401


async def test_logout_ends_the_refresh_family(client: AsyncClient) -> None:
    account = await make_user(client)
    out = await client.post("/api/v1/auth/logout", json={"refresh_token": account.refresh_token})
    assert out.status_code == 204
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_refresh_token"


async def test_unknown_email_and_wrong_password_answer_the_same(client: AsyncClient) -> None:
    account = await make_user(client)
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "not the password"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "whatever1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_login_is_rate_limited_with_retry_after(client: AsyncClient) -> None:
    account = await make_user(client)
    for _ in range(settings.login_max_attempts):
        failed = await client.post(
            "/api/v1/auth/login", json={"email": account.email, "password": "wrong-password"}
        )
        assert failed.status_code == 401
    limited = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "rate_limited"


async def test_expired_token_is_refused(client: AsyncClient) -> None:
    account = await make_user(client)
    past = datetime.now(UTC) - timedelta(minutes=5)
    expired = jwt.encode(
        {"sub": str(account.id), "type": "access", "exp": int(past.timestamp())},
        settings.jwt_secret,
        algorithm=settings.jwt_algorithm,
    )
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The access token has expired."


async def test_tampered_and_foreign_tokens_are_refused(client: AsyncClient) -> None:
    account = await make_user(client)
    header, payload, signature = account.access_token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    forged = jwt.encode(
        {"sub": str(account.id), "type": "access", "exp": 4102444800},
        "someone-elses-secret",
        algorithm="HS256",
    )
    for token in (tampered, forged, "not-a-jwt"):
        response = await client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, token
        assert response.json()["error"]["code"] == "invalid_token"


async def test_missing_token_is_refused(client: AsyncClient) -> None:
    response = await client.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_token_of_a_deleted_user_is_refused(client: AsyncClient) -> None:
    ghost = jwt.encode(
        {"sub": str(uuid.uuid4()), "type": "access", "exp": 4102444800},
        settings.jwt_secret,
        algorithm=settings.jwt_algorithm,
    )
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {ghost}"})
    assert response.status_code == 401


async def test_profile_update_and_password_change(client: AsyncClient) -> None:
    account = await make_user(client)
    renamed = await client.patch(
        "/api/v1/users/me", json={"name": "Ada Closer"}, headers=account.headers
    )
    assert renamed.json()["name"] == "Ada Closer"

    refused = await client.patch(
        "/api/v1/users/me", json={"password": "a-new-password"}, headers=account.headers
    )
    assert refused.status_code == 400

    changed = await client.patch(
        "/api/v1/users/me",
        json={"password": "a-new-password", "current_password": PASSWORD},
        headers=account.headers,
    )
    assert changed.status_code == 200
    login = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "a-new-password"}
    )
    assert login.status_code == 200
