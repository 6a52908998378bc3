"""Opening an invitation link through the real UI: signed in, signed out, or as someone else."""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.frontend.conftest import Servers

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    headers: dict[str, str]


def person(backend_url: str, name: str, *, register: bool = True) -> Person:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    if not register:
        return Person(name, email, {})
    with httpx.Client(base_url=backend_url) as api:
        registered = api.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name}
        )
        assert registered.status_code == 202, registered.text
        tokens = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return Person(name, email, {"Authorization": f"Bearer {tokens.json()['access_token']}"})


def invitation_link(servers: Servers, owner: Person, workspace: str, email: str) -> str:
    """A workspace of `owner`'s inviting `email`: the link, on this test's frontend."""
    with httpx.Client(base_url=servers.backend_url, headers=owner.headers) as api:
        ws = api.post("/api/v1/workspaces", json={"name": workspace})
        assert ws.status_code == 201, ws.text
        invited = api.post(
            f"/api/v1/workspaces/{ws.json()['id']}/members", json={"email": email, "role": "admin"}
        )
        assert invited.status_code == 202, invited.text
    url = urlsplit(invited.json()["accept_url"])
    assert url.path == "/invitations/accept"
    # FRONTEND_URL is the deployment's address; this test's frontend has a port of its own.
    return f"{servers.frontend_url}{url.path}?{url.query}"


def sign_in(page: Page, who: Person) -> None:
    page.get_by_label("Email").fill(who.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_a_newcomer_opens_the_link_registers_and_lands_in_the_workspace(
    servers: Servers, page: Page
) -> None:
    owner = person(servers.backend_url, "Olive Owner")
    newcomer = person(servers.backend_url, "Nina Newcomer", register=False)
    link = invitation_link(servers, owner, "Globex Team", newcomer.email)

    page.goto(link)
    expect(page.get_by_test_id("invitation-sign-in-first")).to_be_visible()
    page.get_by_test_id("invitation-register").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    page.get_by_label("Full name").fill(newcomer.name)
    page.get_by_label("Work email").fill(newcomer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("register-submit").click()

    expect(page).to_have_url(f"{servers.frontend_url}/")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Globex Team")
    expect(page.get_by_test_id("workspace-switcher")).to_have_text("Globex Team")


def test_a_signed_out_member_signs_in_and_comes_back_to_join(servers: Servers, page: Page) -> None:
    owner, grace = person(servers.backend_url, "Olive Owner"), person(servers.backend_url, "Grace")
    link = invitation_link(servers, owner, "Initech Sales", grace.email)

    page.goto(link)
    page.get_by_test_id("invitation-sign-in").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("login-notice")).to_contain_text("your invitation was sent to")
    sign_in(page, grace)

    expect(page).to_have_url(f"{servers.frontend_url}/")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Initech Sales")
    workspaces = httpx.get(f"{servers.backend_url}/api/v1/workspaces", headers=grace.headers)
    assert [(w["name"], w["role"]) for w in workspaces.json()] == [("Initech Sales", "admin")]


def test_a_link_for_another_email_is_refused_until_its_owner_signs_in(
    servers: Servers, page: Page
) -> None:
    owner = person(servers.backend_url, "Olive Owner")
    ada, grace = person(servers.backend_url, "Ada"), person(servers.backend_url, "Grace")
    link = invitation_link(servers, owner, "Umbrella Deals", grace.email)
    page.goto(f"{servers.frontend_url}/login")
    sign_in(page, ada)
    expect(page).to_have_url(f"{servers.frontend_url}/")

    page.goto(link)
    expect(page.get_by_test_id("invitation-error")).to_contain_text("not valid")
    expect(page.get_by_text("Umbrella Deals")).to_have_count(0)
    ada_workspaces = httpx.get(f"{servers.backend_url}/api/v1/workspaces", headers=ada.headers)
    assert ada_workspaces.json() == []

    page.get_by_test_id("invitation-switch-account").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, grace)
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Umbrella Deals")
    token = parse_qs(urlsplit(link).query)["token"][0]
    again = httpx.post(
        f"{servers.backend_url}/api/v1/invitations/accept",
        json={"token": token},
        headers=grace.headers,
    )
    assert again.status_code == 404  # a link works once


def test_an_incomplete_link_says_so(servers: Servers, page: Page) -> None:
    page.goto(f"{servers.frontend_url}/invitations/accept")
    expect(page.get_by_test_id("invitation-missing")).to_be_visible()
