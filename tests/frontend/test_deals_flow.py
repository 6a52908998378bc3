"""The deal journeys through the real UI, backend and database: table, deal page, board."""

import re
import uuid
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.factories import PASSWORD
from tests.frontend.conftest import Servers

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class Seller:
    email: str
    headers: dict[str, str]
    workspace_id: str


@pytest.fixture
def seller(servers: Servers) -> Seller:
    """A registered user who owns a workspace with the default pipeline and no deals."""
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=servers.backend_url) as api:
        registered = api.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Ada Seller"},
        )
        assert registered.status_code == 202, registered.text
        tokens = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        workspace = api.post("/api/v1/workspaces", json={"name": "Acme Sales"}, headers=headers)
        assert workspace.status_code == 201, workspace.text
    return Seller(email=email, headers=headers, workspace_id=workspace.json()["id"])


def create_deals_by_api(servers: Servers, seller: Seller, *deals: tuple[str, str]) -> list[str]:
    """(title, amount) pairs, created as Initech deals in the first stage; returns their ids."""
    ids = []
    with httpx.Client(base_url=servers.backend_url, headers=seller.headers) as api:
        for title, amount in deals:
            response = api.post(
                f"/api/v1/workspaces/{seller.workspace_id}/deals",
                json={"title": title, "amount": amount, "company": "Initech"},
            )
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
    return ids


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    # The full URL: "/login/" (where /login lands) ends with a slash too.
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Seller")


def pick(page: Page, trigger_test_id: str, option: str, scope: Locator | None = None) -> None:
    """Open a Radix select and choose an option by its visible name."""
    (scope or page).get_by_test_id(trigger_test_id).click()
    page.get_by_role("option", name=option, exact=True).click()


def board_column(page: Page, stage: str) -> Locator:
    name = page.get_by_test_id("column-name").filter(has_text=re.compile(f"^{stage}$"))
    return page.get_by_test_id("board-column").filter(has=name)


def test_a_seller_creates_finds_advances_and_logs_a_call_on_a_deal(
    servers: Servers, seller: Seller, page: Page
) -> None:
    base = servers.frontend_url
    sign_in(page, base, seller.email)

    page.get_by_test_id("nav-deals").click()
    expect(page).to_have_url(re.compile(r"/deals$"))
    expect(page.get_by_test_id("deals-empty")).to_contain_text("No deals yet")

    page.get_by_test_id("new-deal-button").click()
    dialog = page.get_by_test_id("deal-form-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title", exact=True).fill("Globex expansion")
    dialog.get_by_label("Amount", exact=True).fill("-5")
    dialog.get_by_label("Company", exact=True).fill("Globex")
    page.get_by_test_id("deal-form-submit").click()
    expect(page.get_by_test_id("deal-amount-error")).to_contain_text("greater than or equal to 0")
    expect(dialog.get_by_label("Title", exact=True)).to_have_value("Globex expansion")
    expect(dialog.get_by_label("Company", exact=True)).to_have_value("Globex")

    dialog.get_by_label("Amount", exact=True).fill("48000")
    page.get_by_test_id("deal-form-submit").click()
    expect(dialog).to_be_hidden()
    rows = page.get_by_test_id("deal-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Globex expansion")
    expect(rows.first).to_contain_text("$48,000")
    expect(rows.first).to_contain_text("Lead")
    expect(page.get_by_test_id("deals-total")).to_have_text("1 deal")

    create_deals_by_api(servers, seller, ("Initech pilot", "9000"))
    page.get_by_test_id("deal-search").fill("globex")
    page.get_by_test_id("deal-search").press("Enter")
    expect(page).to_have_url(re.compile(r"/deals\?q=globex$"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Globex expansion")
    # The filter lives in the URL: a reload (or a shared link) shows the same view.
    page.reload()
    expect(page.get_by_test_id("deal-search")).to_have_value("globex")
    expect(page.get_by_test_id("deals-total")).to_have_text("1 deal")
    page.get_by_test_id("clear-filters").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Initech pilot")
    page.get_by_test_id("sort-amount").click()
    expect(page).to_have_url(re.compile(r"/deals\?sort=-amount$"))
    expect(rows.first).to_contain_text("Globex expansion")
    page.get_by_test_id("sort-amount").click()
    expect(page).to_have_url(re.compile(r"/deals\?sort=amount$"))
    expect(rows.first).to_contain_text("Initech pilot")

    rows.filter(has_text="Globex expansion").get_by_test_id("deal-link").click()
    expect(page).to_have_url(re.compile(r"/deals/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("deal-title")).to_have_text("Globex expansion")
    expect(page.get_by_test_id("deal-probability")).to_contain_text("10%")
    history = page.get_by_test_id("stage-history-row")
    expect(history).to_have_count(1)

    pick(page, "deal-stage-select", "Proposal")
    expect(page.get_by_test_id("deal-notice")).to_contain_text("Moved to Proposal")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Proposal")
    expect(history.first).to_contain_text("current")
    expect(history.first).to_contain_text("Ada Seller")
    expect(history.nth(1)).to_contain_text("Lead")
    expect(page.get_by_test_id("deal-probability")).to_contain_text("50%")
    expect(page.get_by_test_id("timeline-system").first).to_contain_text(
        "Moved from Lead to Proposal"
    )

    page.get_by_test_id("deal-edit").click()
    dialog = page.get_by_test_id("deal-form-dialog")
    expect(dialog.get_by_label("Title", exact=True)).to_have_value("Globex expansion")
    expect(dialog.get_by_label("Amount", exact=True)).to_have_value("48000.00")
    dialog.get_by_label("Expected close", exact=True).fill("2026-12-31")
    dialog.get_by_label("Amount", exact=True).fill("52,500")
    page.get_by_test_id("deal-form-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("deal-amount")).to_have_text("$52,500")
    expect(page.get_by_test_id("deal-close")).to_contain_text("Dec 31, 2026")
    expect(page.get_by_test_id("close-date-row")).to_have_count(1)

    page.get_by_label("Subject", exact=True).fill("Discovery call with the CFO")
    page.get_by_label("Notes", exact=True).fill("Budget approved for Q3.")
    page.get_by_test_id("activity-submit").click()
    activity = page.get_by_test_id("timeline-activity").first
    expect(activity).to_contain_text("Discovery call with the CFO")
    expect(activity).to_contain_text("CALL")
    expect(activity).to_contain_text("Budget approved for Q3.")
    expect(page.get_by_label("Subject", exact=True)).to_have_value("")

    page.get_by_test_id("nav-pipeline").click()
    expect(page).to_have_url(re.compile(r"/pipeline$"))
    proposal = board_column(page, "Proposal")
    lead = board_column(page, "Lead")
    qualified = board_column(page, "Qualified")
    expect(proposal.get_by_test_id("deal-card")).to_have_count(1)
    expect(proposal.get_by_test_id("deal-card")).to_contain_text("Globex expansion")
    expect(proposal.get_by_test_id("column-total")).to_have_text("$52,500")
    expect(lead.get_by_test_id("deal-card")).to_contain_text("Initech pilot")

    pick(page, "card-move", "Qualified", scope=lead)
    expect(page.get_by_test_id("pipeline-notice")).to_contain_text("moved to Qualified")
    expect(qualified.get_by_test_id("deal-card")).to_contain_text("Initech pilot")
    expect(lead.get_by_test_id("deal-card")).to_have_count(0)
    expect(qualified.get_by_test_id("column-count")).to_have_text("1")


def test_a_long_deal_list_loads_more_on_demand_and_filters_by_status(
    servers: Servers, seller: Seller, page: Page
) -> None:
    create_deals_by_api(servers, seller, *[(f"Deal {n:02d}", str(1000 + n)) for n in range(27)])
    sign_in(page, servers.frontend_url, seller.email)

    page.goto(f"{servers.frontend_url}/deals")
    rows = page.get_by_test_id("deal-row")
    expect(page.get_by_test_id("deals-total")).to_have_text("27 deals")
    expect(rows).to_have_count(25)
    page.get_by_test_id("deals-load-more").click()
    expect(rows).to_have_count(27)
    expect(page.get_by_test_id("deals-load-more")).to_be_hidden()
    expect(rows.filter(has_text="Deal 00")).to_have_count(1)

    pick(page, "filter-status", "Won")
    expect(page).to_have_url(re.compile(r"/deals\?status=won$"))
    expect(page.get_by_test_id("deals-empty")).to_contain_text("No deals match these filters")
    pick(page, "filter-status", "Open")
    expect(page.get_by_test_id("deals-total")).to_have_text("27 deals")


def test_an_activity_planned_in_the_browsers_time_zone_is_stored_in_utc(
    servers: Servers, seller: Seller, browser: Browser
) -> None:
    [deal_id] = create_deals_by_api(servers, seller, ("Umbrella rollout", "12000"))
    context = browser.new_context(timezone_id="America/New_York")
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, servers.frontend_url, seller.email)
        page.goto(f"{servers.frontend_url}/deals/{deal_id}")
        expect(page.get_by_test_id("deal-title")).to_have_text("Umbrella rollout")

        pick(page, "activity-type", "Task")
        page.get_by_label("When (empty: now)").fill("2026-01-10T09:00")
        page.get_by_label("Subject", exact=True).fill("Send the proposal")
        page.get_by_label("Done already").uncheck()
        page.get_by_test_id("activity-submit").click()

        task = page.get_by_test_id("timeline-activity").first
        expect(task).to_contain_text("Send the proposal")
        expect(task).to_contain_text("Scheduled")
        expect(task).to_contain_text("Jan 10, 2026, 9:00")
    finally:
        context.close()
    timeline = httpx.get(
        f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/deals/{deal_id}/timeline",
        headers=seller.headers,
    ).json()["items"]
    [planned] = [item for item in timeline if item["type"] == "task"]
    assert (planned["scheduled_at"], planned["completed_at"]) == ("2026-01-10T14:00:00Z", None)


def test_a_deal_deleted_after_confirming_leaves_the_table(
    servers: Servers, seller: Seller, page: Page
) -> None:
    [deal_id] = create_deals_by_api(servers, seller, ("Hooli trial", "3000"))
    sign_in(page, servers.frontend_url, seller.email)
    page.goto(f"{servers.frontend_url}/deals/{deal_id}")

    page.get_by_test_id("deal-delete").click()
    page.get_by_test_id("deal-delete-confirm").click()

    expect(page).to_have_url(f"{servers.frontend_url}/deals")
    expect(page.get_by_test_id("deals-empty")).to_contain_text("No deals yet")
    page.goto(f"{servers.frontend_url}/deals/{deal_id}")
    expect(page.get_by_test_id("deal-not-found")).to_be_visible()
