"""The sign-up to sign-out journey, through the real UI, backend and database."""

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.frontend.conftest import Servers

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def register_by_api(backend_url: str, name: str) -> str:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    response = httpx.post(
        f"{backend_url}/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": name},
    )
    assert response.status_code == 202, response.text
    return email


def test_new_user_signs_up_creates_a_workspace_invites_a_colleague_and_signs_out(
    servers: Servers, page: Page
) -> None:
    base = servers.frontend_url
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"

    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login$"))

    page.get_by_test_id("to-register").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    page.get_by_label("Full name").fill("Ada Seller")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("register-submit").click()

    # Registering signs in straight away.
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Seller")
    expect(page.get_by_test_id("no-workspace")).to_be_visible()

    page.get_by_test_id("new-workspace-button").click()
    page.get_by_label("Workspace name").fill("Acme Sales")
    page.get_by_test_id("create-workspace-submit").click()
    expect(page.get_by_test_id("create-workspace-dialog")).to_be_hidden()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Acme Sales")
    switcher = page.get_by_test_id("workspace-switcher")
    expect(switcher).to_have_text("Acme Sales")
    switcher.click()
    expect(page.get_by_role("option", name="Acme Sales")).to_be_visible()
    page.keyboard.press("Escape")

    colleague = register_by_api(servers.backend_url, "Grace Closer")
    page.get_by_test_id("nav-settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    rows = page.get_by_test_id("member-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Seller")

    stranger = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Invite by email").fill(stranger)
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("settings-notice")).to_contain_text("copy the link below")
    invitations = page.get_by_test_id("invitation-row")
    expect(invitations).to_contain_text(stranger)
    link = invitations.filter(has_text=stranger).get_by_test_id("invitation-link")
    first_link = link.input_value()
    assert first_link.startswith("http") and "/invitations/accept?token=" in first_link
    # Inviting them again sends a fresh link; still one invitation.
    page.get_by_label("Invite by email").fill(stranger)
    page.get_by_test_id("invite-submit").click()
    expect(link).not_to_have_value(first_link)
    expect(invitations).to_have_count(1)

    # A registered colleague is invited the same way: no member until they accept.
    page.get_by_label("Invite by email").fill(colleague)
    page.get_by_test_id("invite-submit").click()
    expect(invitations).to_have_count(2)
    expect(invitations.filter(has_text=colleague)).to_be_visible()
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Invite by email")).to_have_value("")

    page.get_by_test_id("logout-button").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{base}/settings")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_a_wrong_password_is_refused_and_the_email_kept(servers: Servers, page: Page) -> None:
    email = register_by_api(servers.backend_url, "Ada Seller")
    page.goto(f"{servers.frontend_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(email)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(f"{servers.frontend_url}/")
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Seller")


def test_registering_a_taken_email_with_another_password_leads_to_sign_in(
    servers: Servers, page: Page
) -> None:
    email = register_by_api(servers.backend_url, "Ada Seller")
    page.goto(f"{servers.frontend_url}/register")
    page.get_by_label("Full name").fill("Mallory")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill("another password 123")
    page.get_by_test_id("register-submit").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("login-notice")).to_contain_text("sign in with its password")
    me = httpx.post(
        f"{servers.backend_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert me.status_code == 200
