"""The Forecast page and a deal's win probability through the real UI, backend, AI core and DB."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.frontend import test_deals_flow
from tests.frontend.conftest import Servers
from tests.frontend.test_deals_flow import Seller, pick, sign_in
from tests.frontend.test_insights_flow import backend_url

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

__all__ = ["backend_url"]  # the API wired to a real AI core without an Anthropic key
seller = test_deals_flow.seller
SLOW = 90_000  # ms: the forecast is simulated live, on a busy machine


def create_deal_due_today(servers: Servers, seller: Seller, title: str, amount: str) -> str:
    today = datetime.now(UTC).date().isoformat()
    with httpx.Client(base_url=servers.backend_url, headers=seller.headers) as api:
        response = api.post(
            f"/api/v1/workspaces/{seller.workspace_id}/deals",
            json={"title": title, "amount": amount, "expected_close_date": today},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def api_get(servers: Servers, seller: Seller, path: str) -> dict:
    with httpx.Client(base_url=servers.backend_url, headers=seller.headers, timeout=60) as api:
        response = api.get(f"/api/v1/workspaces/{seller.workspace_id}{path}")
        assert response.status_code == 200, response.text
        return response.json()


def dollars(amount: str) -> str:
    """As the page writes amounts under 100K: '$12,500'."""
    return f"${Decimal(amount):,.0f}"


def test_the_forecast_page_shows_the_simulated_range_against_the_weighted_pipeline(
    servers: Servers, seller: Seller, page: Page
) -> None:
    create_deal_due_today(servers, seller, "Globex expansion", "48000")
    create_deal_due_today(servers, seller, "Initech renewal", "12000")
    with httpx.Client(base_url=servers.backend_url, headers=seller.headers) as api:
        target = api.patch(
            f"/api/v1/workspaces/{seller.workspace_id}/preferences",
            json={"monthly_target": "20000"},
        )
        assert target.status_code == 200, target.text
    expected = api_get(servers, seller, "/forecast?group_by=month")["period"]
    sign_in(page, servers.frontend_url, seller.email)

    page.get_by_test_id("nav-forecast").click()
    expect(page).to_have_url(re.compile(r"/forecast$"))

    expect(page.get_by_test_id("figure-p50")).to_have_text(dollars(expected["p50"]), timeout=SLOW)
    expect(page.get_by_test_id("figure-weighted")).to_have_text(dollars(expected["weighted"]))
    expect(page.get_by_test_id("figure-range")).to_have_text(
        f"{dollars(expected['p10'])} - {dollars(expected['p90'])}"
    )
    expect(page.get_by_test_id("figure-target")).to_have_text(dollars("60000"))
    expect(page.get_by_test_id("forecast-row")).to_have_count(3)
    expect(page.get_by_test_id("forecast-chart").locator(".recharts-wrapper")).to_be_visible()
    # A new workspace has no closed deals to learn from: the page says so.
    expect(page.get_by_test_id("win-model-badge")).to_have_text("Stage baseline")
    expect(page.get_by_test_id("forecast-model")).to_contain_text("0 won and 0 lost deals")
    expect(page.get_by_test_id("forecast-method")).to_contain_text("P10 is reached in 9 of 10")

    pick(page, "forecast-group", "Four quarters, by quarter")
    expect(page.get_by_test_id("forecast-row")).to_have_count(4, timeout=SLOW)
    expect(page.get_by_test_id("forecast-row").first).to_contain_text(dollars("60000"))


def test_a_deal_page_shows_its_win_probability_and_which_model_gave_it(
    servers: Servers, seller: Seller, page: Page
) -> None:
    deal_id = create_deal_due_today(servers, seller, "Umbrella pilot", "9000")
    score = api_get(servers, seller, f"/deals/{deal_id}/win-probability")
    sign_in(page, servers.frontend_url, seller.email)

    page.goto(f"{servers.frontend_url}/deals/{deal_id}")

    card = page.get_by_test_id("win-probability")
    expect(card.get_by_test_id("win-score")).to_have_text(
        f"{round(score['probability'] * 100)}%", timeout=SLOW
    )
    expect(card.get_by_test_id("win-source")).to_have_text("Stage baseline")
    expect(card.get_by_test_id("win-factor")).to_have_text([score["factors"][0]["text"]])
    expect(card.get_by_test_id("win-model-detail")).to_contain_text(
        "only when it beats the stage probabilities"
    )
