"""The frontend's session handling against the real API: refresh once, else sign out."""

import uuid

import httpx
import pytest
from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.session import SessionState

from tests.factories import PASSWORD

# Not a browser test, but grouped with them to share their worker's backend process.
pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture
def session(backend_url: str, monkeypatch: pytest.MonkeyPatch) -> SessionState:
    monkeypatch.setattr(api, "BACKEND_URL", backend_url)
    root = SessionState.get_root_state()(_reflex_internal_init=True)
    state = root.get_substate(SessionState.get_full_name().split(".")[1:])
    assert isinstance(state, SessionState)
    return state


async def sign_up(backend_url: str) -> tuple[str, dict[str, str]]:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    async with httpx.AsyncClient(base_url=backend_url) as client:
        created = await client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Ada Seller"},
        )
        assert created.status_code == 202, created.text
        tokens = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert tokens.status_code == 200, tokens.text
    return email, tokens.json()


async def test_a_rejected_access_token_is_refreshed_once_and_the_call_retried(
    session: SessionState, backend_url: str
) -> None:
    email, tokens = await sign_up(backend_url)
    session._keep_tokens({"access_token": "expired", "refresh_token": tokens["refresh_token"]})

    me = await session._api("GET", "/api/v1/users/me")

    assert me["email"] == email
    assert session._refresh_token not in ("", tokens["refresh_token"])
    assert session._access_token != "expired"


async def test_a_revoked_session_is_forgotten_and_reported_as_expired(
    session: SessionState, backend_url: str
) -> None:
    _, tokens = await sign_up(backend_url)
    await api.call("POST", "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    session._keep_tokens({"access_token": "expired", "refresh_token": tokens["refresh_token"]})
    session.signed_in = True

    with pytest.raises(SessionExpired):
        await session._api("GET", "/api/v1/users/me")

    assert (session._access_token, session._refresh_token, session.signed_in) == ("", "", False)


async def test_api_errors_carry_the_backends_message(backend_url: str, monkeypatch) -> None:
    monkeypatch.setattr(api, "BACKEND_URL", backend_url)
    email, _ = await sign_up(backend_url)

    with pytest.raises(ApiError) as wrong_password:
        await api.call("POST", "/api/v1/auth/login", json={"email": email, "password": "nope"})
    with pytest.raises(ApiError) as short_password:
        await api.call(
            "POST",
            "/api/v1/auth/register",
            json={"email": f"x{email}", "password": "short", "name": "X"},
        )

    assert wrong_password.value.status == 401
    assert wrong_password.value.message == "The email or password is incorrect."
    assert short_password.value.message.startswith("Password: ")


async def test_an_unreachable_backend_is_reported_plainly(monkeypatch) -> None:
    monkeypatch.setattr(api, "BACKEND_URL", "http://127.0.0.1:9")

    with pytest.raises(ApiError) as unreachable:
        await api.call("GET", "/api/v1/users/me")

    assert unreachable.value.message == api.UNREACHABLE
