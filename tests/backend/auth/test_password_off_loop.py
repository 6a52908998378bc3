"""Issue 10: Argon2 (tens of ms of CPU each) never runs on the event loop."""

import threading
import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from backend.auth import service
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("database")


async def test_hashing_and_verifying_run_in_worker_threads(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.current_thread()
    seen: list[tuple[str, threading.Thread]] = []

    def recording(name: str, real: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            seen.append((name, threading.current_thread()))
            return real(*args)

        return wrapper

    monkeypatch.setattr(service, "hash_password", recording("hash", service.hash_password))
    monkeypatch.setattr(service, "verify_password", recording("verify", service.verify_password))
    email = f"argon-{uuid.uuid4().hex[:8]}@example.com"
    await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Ada"}
    )
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    await client.post("/api/v1/auth/login", json={"email": email, "password": "wrong password"})
    await client.patch(
        "/api/v1/users/me",
        json={"current_password": PASSWORD, "password": "another password 123"},
        headers={"Authorization": f"Bearer {login.json()['access_token']}"},
    )
    assert [name for name, _ in seen] == ["hash", "verify", "verify", "verify", "hash"]
    assert all(thread is not loop_thread for _, thread in seen)
