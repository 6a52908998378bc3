"""Registration answers the same whether or not the email has an account, and changes nothing."""

import asyncio
import uuid

import pytest
from httpx import AsyncClient

from backend.auth import service
from tests.factories import PASSWORD, make_user


def _body(email: str, password: str = PASSWORD, name: str = "Twin") -> dict[str, str]:
    return {"email": email, "password": password, "name": name}


async def test_a_taken_email_gets_the_same_answer_as_a_new_one(client: AsyncClient) -> None:
    account = await make_user(client)
    new_email = f"fresh-{uuid.uuid4().hex[:8]}@example.com"

    fresh = await client.post("/api/v1/auth/register", json=_body(new_email))
    taken = await client.post("/api/v1/auth/register", json=_body(account.email.upper()))

    assert fresh.status_code == taken.status_code == 202
    assert fresh.json() == taken.json()
    assert fresh.json()["message"].startswith("If this email is new, your account is ready")
    assert fresh.headers.keys() == taken.headers.keys()


async def test_registering_a_taken_email_changes_nothing(client: AsyncClient) -> None:
    account = await make_user(client, name="Ada Original")
    again = await client.post(
        "/api/v1/auth/register", json=_body(account.email, "another password 123", "Mallory")
    )
    assert again.status_code == 202

    old = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert old.status_code == 200
    new = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "another password 123"}
    )
    assert new.status_code == 401
    me = await client.get("/api/v1/users/me", headers=account.headers)
    assert me.json()["name"] == "Ada Original"


async def test_the_password_is_hashed_whether_or_not_the_email_is_taken(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The slow part of registering is Argon2: skipping it for a taken email would tell.
    account = await make_user(client)
    hashed: list[str] = []
    real = service.hash_password

    def counting(password: str) -> str:
        hashed.append(password)
        return real(password)

    monkeypatch.setattr(service, "hash_password", counting)
    await client.post("/api/v1/auth/register", json=_body(account.email, "first password 1"))
    await client.post(
        "/api/v1/auth/register",
        json=_body(f"new-{uuid.uuid4().hex[:8]}@example.com", "second password 2"),
    )
    assert hashed == ["first password 1", "second password 2"]


async def test_the_same_email_registered_twice_at_once_makes_one_account(
    client: AsyncClient,
) -> None:
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    answers = await asyncio.gather(
        *(client.post("/api/v1/auth/register", json=_body(email)) for _ in range(2))
    )
    assert [a.status_code for a in answers] == [202, 202]
    signed_in = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200
