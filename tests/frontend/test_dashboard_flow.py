"""The dashboard through the real UI, backend and database: demo data, live updates, filters."""

import json
import re
import uuid
from decimal import Decimal

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from backend.events.publisher import CHANNEL
from backend.models import Insight, InsightPriority, InsightStatus, InsightType
from tests.factories import PASSWORD
from tests.frontend.conftest import Servers
from tests.frontend.test_deals_flow import Seller, pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CARDS = ["open_pipeline", "weighted_pipeline", "won", "win_rate", "forecast"]
CHARTS = ["chart-pipeline", "chart-forecast", "chart-won-trend", "chart-funnel", "chart-activity"]


@pytest.fixture
def leader(servers: Servers) -> Seller:
    """A registered user whose workspace holds the demo data (loaded through the API)."""
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=servers.backend_url, timeout=60) as api:
        registered = api.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Ada Seller"},
        )
        assert registered.status_code == 202, registered.text
        tokens = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        workspace = api.post("/api/v1/workspaces", json={"name": "Acme Sales"}, headers=headers)
        assert workspace.status_code == 201, workspace.text
        ws = workspace.json()["id"]
        loaded = api.post(f"/api/v1/workspaces/{ws}/demo-data", headers=headers)
        assert loaded.status_code == 201, loaded.text
    return Seller(email=email, headers=headers, workspace_id=ws)


def card(page: Page, key: str):
    return page.get_by_test_id(f"card-{key}")


def expect_populated(page: Page) -> None:
    for key in CARDS:
        expect(card(page, key).get_by_test_id("card-value")).to_have_text(re.compile(r"\d"))
    for chart in CHARTS:
        # Every chart drew marks: bars, or the won-revenue area.
        marks = page.get_by_test_id(chart).locator(
            ".recharts-bar-rectangle path, .recharts-area-area"
        )
        expect(marks.first).to_be_attached()
    expect(page.get_by_test_id("at-risk-deal").first).to_be_visible()
    expect(page.get_by_test_id("attention-insight").first).to_be_visible()


def open_deal_count(page: Page) -> int:
    detail = card(page, "open_pipeline").get_by_test_id("card-detail")
    expect(detail).to_have_text(re.compile(r"^[\d,]+ open deals$"))
    return int(detail.inner_text().split()[0].replace(",", ""))


def test_a_new_user_registers_loads_demo_data_and_triages_an_insight(
    servers: Servers, page: Page
) -> None:
    base = servers.frontend_url
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{base}/register")
    page.get_by_label("Full name").fill("Ada Seller")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("register-submit").click()
    # Registering signs in at once.
    expect(page).to_have_url(f"{base}/")
    page.get_by_test_id("first-workspace-button").click()
    page.get_by_label("Workspace name").fill("Acme Sales")
    page.get_by_test_id("create-workspace-submit").click()

    empty = page.get_by_test_id("dashboard-empty")
    expect(empty).to_contain_text("Connect HubSpot")
    expect(empty).to_contain_text("Import a CSV")
    page.get_by_test_id("load-demo-data").click()
    expect(page.get_by_text(re.compile(r"Demo data loaded: 400 deals"))).to_be_visible(
        timeout=60_000
    )
    expect_populated(page)

    insights = page.get_by_test_id("attention-insight")
    first_title = insights.first.inner_text().split("\n")[-1]
    insights.first.click()
    dialog = page.get_by_test_id("insight-dialog")
    expect(dialog).to_be_visible()
    title = page.get_by_test_id("insight-dialog-title").inner_text()
    assert title in first_title or first_title in title
    page.get_by_test_id("insight-dialog-actioned").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Insight marked as actioned.")).to_be_visible()

    insights.first.click()
    expect(dialog).to_be_visible()
    page.get_by_test_id("insight-dialog-dismiss").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Insight dismissed.")).to_be_visible()


def test_a_deal_changed_through_the_api_shows_on_the_open_dashboard(
    servers: Servers, leader: Seller, page: Page
) -> None:
    sign_in(page, servers.frontend_url, leader.email)
    expect(page.get_by_test_id("live-badge")).to_be_visible()
    before = open_deal_count(page)

    with httpx.Client(base_url=servers.backend_url, headers=leader.headers) as api:
        created = api.post(
            f"/api/v1/workspaces/{leader.workspace_id}/deals",
            json={"title": "Initech rollout", "amount": "1000000"},
        )
        assert created.status_code == 201, created.text

    detail = card(page, "open_pipeline").get_by_test_id("card-detail")
    # No reload: the backend's event stream brings the change within a couple of seconds.
    expect(detail).to_have_text(f"{before + 1:,} open deals", timeout=10_000)

    with httpx.Client(base_url=servers.backend_url, headers=leader.headers) as api:
        deleted = api.delete(
            f"/api/v1/workspaces/{leader.workspace_id}/deals/{created.json()['id']}"
        )
        assert deleted.status_code == 204
    expect(detail).to_have_text(f"{before:,} open deals", timeout=10_000)


def raise_insight(engine: Engine, workspace_id: str, title: str) -> str:
    """An insight as a generation run stores it, announced the way the backend announces it."""
    with Session(engine) as session:
        insight = Insight(
            workspace_id=uuid.UUID(workspace_id),
            type=InsightType.risk,
            signal_key=f"signal:{uuid.uuid4().hex}",
            title=title,
            description="Three deals slipped their close date this week.",
            priority=InsightPriority.critical,
            confidence=Decimal("0.900"),
            status=InsightStatus.new,
            generated_without_ai=True,
        )
        session.add(insight)
        session.flush()
        payload = {
            "workspace_id": workspace_id,
            "type": "insight.created",
            "data": {"id": str(insight.id)},
        }
        # Sent on commit, as backend.events.publisher.publish does.
        session.execute(
            text("select pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": json.dumps(payload)},
        )
        session.commit()
        return str(insight.id)


def test_a_new_insight_appears_live_on_the_dashboard_and_the_insights_page(
    servers: Servers, leader: Seller, sync_engine: Engine, page: Page
) -> None:
    sign_in(page, servers.frontend_url, leader.email)
    expect(page.get_by_test_id("live-badge")).to_be_visible()

    raise_insight(sync_engine, leader.workspace_id, "Forecast at risk: three deals slipped")

    newest = page.get_by_test_id("attention-insight").first
    expect(newest).to_contain_text("Forecast at risk: three deals slipped", timeout=10_000)
    expect(page.get_by_text("A new insight arrived.")).to_be_visible()

    page.get_by_test_id("nav-insights").click()
    expect(page.get_by_test_id("insight-title").first).to_be_visible()
    # Changes are not replayed: raise the next one once this page's stream is live.
    expect(page.get_by_test_id("live-badge")).to_be_visible()
    raise_insight(sync_engine, leader.workspace_id, "Pipeline coverage fell below 3x")
    expect(page.get_by_test_id("insight-title").filter(has_text="coverage fell")).to_be_visible(
        timeout=10_000
    )


def test_filters_change_the_numbers_and_survive_a_reload(
    servers: Servers, leader: Seller, page: Page
) -> None:
    sign_in(page, servers.frontend_url, leader.email)
    open_deals = card(page, "open_pipeline").get_by_test_id("card-detail")
    everyone = open_deal_count(page)
    won_everyone = card(page, "won").get_by_test_id("card-detail").inner_text()

    pick(page, "filter-owner", "Ada Seller")
    expect(page).to_have_url(re.compile(r"\?owner=[0-9a-f-]{36}$"))
    expect(card(page, "open_pipeline").get_by_test_id("card-detail")).not_to_have_text(
        f"{everyone:,} open deals"
    )
    mine = open_deal_count(page)
    assert 0 < mine < everyone

    pick(page, "filter-period", "This year")
    expect(page).to_have_url(re.compile(r"period=year"))
    expect(page.get_by_test_id("period-label")).to_have_text(re.compile(r"^\d{4}$"))

    page.reload()
    expect(page.get_by_test_id("filter-owner")).to_have_text("Ada Seller")
    expect(page.get_by_test_id("filter-period")).to_have_text("This year")
    expect(page.get_by_test_id("period-label")).to_have_text(re.compile(r"^\d{4}$"))
    expect(open_deals).to_have_text(f"{mine:,} open deals")

    pick(page, "filter-source", "HubSpot")
    expect(page).to_have_url(re.compile(r"pipeline=hubspot"))
    page.get_by_test_id("clear-filters").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(open_deals).to_have_text(f"{everyone:,} open deals")
    expect(card(page, "won").get_by_test_id("card-detail")).to_have_text(won_everyone)


def test_the_dashboard_fits_a_phone_without_horizontal_scroll(
    servers: Servers, leader: Seller, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(f"{servers.frontend_url}/login")
        page.get_by_label("Email").fill(leader.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        expect_populated(page)
        expect(page.get_by_test_id("top-bar")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        context.close()
