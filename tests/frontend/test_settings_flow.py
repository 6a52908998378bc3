"""Settings through the real UI, backend and database: members, API keys, stages, targets."""

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.frontend import test_deals_flow
from tests.frontend.conftest import Servers
from tests.frontend.test_deals_flow import Seller, pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A registered user who owns a workspace with the default pipeline and no deals.
seller = test_deals_flow.seller
SETTINGS_PAGES = ["", "/profile", "/api-keys", "/pipeline", "/integrations", "/insights"]


def register(backend_url: str, name: str) -> str:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    response = httpx.post(
        f"{backend_url}/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": name},
    )
    assert response.status_code == 202, response.text
    return email


def accept_by_api(backend_url: str, email: str, accept_url: str) -> None:
    """The invited person opens their link signed in: here, straight through the API."""
    token = parse_qs(urlsplit(accept_url).query)["token"][0]
    with httpx.Client(base_url=backend_url) as api:
        tokens = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        accepted = api.post(
            "/api/v1/invitations/accept",
            json={"token": token},
            headers={"Authorization": f"Bearer {tokens.json()['access_token']}"},
        )
        assert accepted.status_code == 200, accepted.text


def test_an_admin_invites_a_colleague_who_accepts_and_changes_their_role(
    servers: Servers, seller: Seller, page: Page
) -> None:
    colleague = register(servers.backend_url, "Grace Closer")
    sign_in(page, servers.frontend_url, seller.email)
    page.get_by_test_id("nav-settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))

    page.get_by_label("Invite by email").fill(colleague)
    page.get_by_test_id("invite-submit").click()
    invitation = page.get_by_test_id("invitation-row").filter(has_text=colleague)
    expect(invitation.get_by_test_id("invitation-delivery")).to_have_text(
        "Not mailed: send them the link"
    )
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    accept_by_api(
        servers.backend_url, colleague, invitation.get_by_test_id("invitation-link").input_value()
    )

    page.reload()
    grace = page.get_by_test_id("member-row").filter(has_text="Grace Closer")
    expect(grace.get_by_test_id("member-role-select")).to_have_text("member")
    expect(page.get_by_test_id("invitation-row")).to_have_count(0)

    pick(page, "member-role-select", "admin", scope=grace)
    expect(page.get_by_test_id("settings-notice")).to_have_text("Role updated.")
    expect(grace.get_by_test_id("member-role-select")).to_have_text("admin")
    members = httpx.get(
        f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/members",
        headers=seller.headers,
    ).json()
    assert {m["email"]: m["role"] for m in members}[colleague] == "admin"


def test_an_admin_invites_an_unknown_email_sees_it_pending_and_revokes_it(
    servers: Servers, seller: Seller, page: Page
) -> None:
    newcomer = f"newcomer-{uuid.uuid4().hex[:8]}@example.com"
    invitations_url = f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/invitations"
    sign_in(page, servers.frontend_url, seller.email)
    page.get_by_test_id("nav-settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    expect(page.get_by_test_id("invitation-row")).to_have_count(0)

    page.get_by_label("Invite by email").fill(newcomer)
    pick(page, "invite-role", "viewer")
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("settings-notice")).to_contain_text(
        "No mail server is set up, so copy the link below"
    )
    expect(page.get_by_test_id("invite-error")).to_have_count(0)
    expect(page.get_by_label("Invite by email")).to_have_value("")
    pending = page.get_by_test_id("invitation-row")
    expect(pending).to_have_count(1)
    expect(pending.first).to_contain_text(newcomer)
    expect(pending.first.get_by_test_id("invitation-role")).to_have_text("viewer")
    expect(pending.first.get_by_test_id("invitation-date")).to_contain_text(
        re.compile(r"^Invited \S.* · link valid until \S")
    )
    link = pending.first.get_by_test_id("invitation-link")
    expect(link).to_have_value(re.compile(r"/invitations/accept\?token=[\w-]{40,}$"))
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    listed = httpx.get(invitations_url, headers=seller.headers).json()
    assert [(i["email"], i["role"]) for i in listed] == [(newcomer, "viewer")]
    assert link.input_value() == listed[0]["accept_url"]

    page.reload()
    expect(pending).to_have_count(1)
    pending.first.get_by_test_id("invitation-revoke").click()
    expect(page.get_by_test_id("settings-notice")).to_have_text("Invitation revoked.")
    expect(pending).to_have_count(0)
    assert httpx.get(invitations_url, headers=seller.headers).json() == []


def test_an_api_key_is_shown_once_works_and_stops_working_when_revoked(
    servers: Servers, seller: Seller, page: Page
) -> None:
    sign_in(page, servers.frontend_url, seller.email)
    page.goto(f"{servers.frontend_url}/settings/api-keys")
    expect(page.get_by_test_id("api-keys-empty")).to_be_visible()

    page.get_by_label("Key name").fill("Looker export")
    page.get_by_test_id("api-key-create").click()
    secret = page.get_by_test_id("api-key-secret")
    expect(secret).to_have_text(re.compile(r"^vos_"))
    key = secret.inner_text()
    rows = page.get_by_test_id("api-key-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Looker export")
    expect(rows.first).to_contain_text("viewer")
    deals_url = f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/deals"
    assert httpx.get(deals_url, headers={"Authorization": f"Bearer {key}"}).status_code == 200

    page.get_by_test_id("api-key-secret-done").click()
    expect(secret).to_be_hidden()
    page.reload()
    expect(rows).to_have_count(1)
    expect(page.get_by_test_id("api-key-secret")).to_have_count(0)

    rows.first.get_by_test_id("api-key-revoke").click()
    expect(page.get_by_test_id("settings-notice")).to_contain_text("Key revoked")
    assert httpx.get(deals_url, headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_stages_are_edited_and_the_target_is_saved(
    servers: Servers, seller: Seller, page: Page
) -> None:
    sign_in(page, servers.frontend_url, seller.email)
    page.goto(f"{servers.frontend_url}/settings/pipeline")
    stages = page.get_by_test_id("stage-row")
    expect(stages.first.get_by_test_id("stage-name")).to_have_value("Lead")

    stages.first.get_by_test_id("stage-probability").fill("150")
    stages.first.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("settings-error")).to_be_visible()
    # The typed value stays for the user to correct.
    expect(stages.first.get_by_test_id("stage-probability")).to_have_value("150")

    stages.first.get_by_test_id("stage-name").fill("Inbound lead")
    stages.first.get_by_test_id("stage-probability").fill("15")
    stages.first.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("settings-notice")).to_contain_text("Inbound lead")
    count = stages.count()
    page.get_by_label("New stage").fill("Security review")
    page.get_by_label("Win probability (%)", exact=True).last.fill("70")
    page.get_by_role("button", name="Add stage").click()
    expect(stages).to_have_count(count + 1)
    api_stages = httpx.get(
        f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/stages",
        headers=seller.headers,
    ).json()
    assert api_stages[0]["name"] == "Inbound lead"
    assert any(s["name"] == "Security review" for s in api_stages)

    page.get_by_test_id("settings-tab-insights").click()
    expect(page).to_have_url(re.compile(r"/settings/insights$"))
    page.get_by_label("Monthly revenue target").fill("250000")
    page.get_by_test_id("schedule-weekly").click()
    page.get_by_test_id("prefs-save").click()
    expect(page.get_by_test_id("settings-notice")).to_contain_text("Saved")
    prefs = httpx.get(
        f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/preferences",
        headers=seller.headers,
    ).json()
    assert prefs == {"monthly_target": "250000.00", "insight_schedule": "weekly"}


def test_a_user_renames_themselves_in_their_profile(
    servers: Servers, seller: Seller, page: Page
) -> None:
    sign_in(page, servers.frontend_url, seller.email)
    page.goto(f"{servers.frontend_url}/settings/profile")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_test_id("profile-save").click()
    expect(page.get_by_test_id("settings-notice")).to_have_text("Your name was saved.")
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Lovelace")


def test_settings_pages_fit_a_phone_without_horizontal_scroll(
    servers: Servers, seller: Seller, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(f"{servers.frontend_url}/login")
        page.get_by_label("Email").fill(seller.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("top-bar")).to_be_visible()
        for suffix in SETTINGS_PAGES:
            page.goto(f"{servers.frontend_url}/settings{suffix}")
            expect(page.get_by_test_id("settings-title")).to_be_visible()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"/settings{suffix} scrolls sideways by {overflow}px"
    finally:
        context.close()


def test_a_hubspot_csv_export_is_uploaded_for_import(
    servers: Servers, seller: Seller, page: Page
) -> None:
    sign_in(page, servers.frontend_url, seller.email)
    page.goto(f"{servers.frontend_url}/settings/integrations")
    expect(page.get_by_test_id("hubspot-status")).to_have_text("not connected")

    page.locator("#csv-upload input[type=file]").set_input_files(
        files=[
            {
                "name": "hubspot-deals.csv",
                "mimeType": "text/csv",
                "buffer": b"Record ID,Deal Name,Amount\r\n101,Globex renewal,12000\r\n",
            }
        ]
    )
    expect(page.get_by_text("hubspot-deals.csv").first).to_be_visible()
    page.get_by_test_id("csv-import").click()

    expect(page.get_by_text("Importing hubspot-deals.csv")).to_be_visible()
    expect(page.get_by_test_id("import-row")).to_contain_text("hubspot-deals.csv")
    imports = httpx.get(
        f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/imports",
        headers=seller.headers,
    ).json()
    assert [i["filename"] for i in imports["items"]] == ["hubspot-deals.csv"]
