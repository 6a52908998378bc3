"""Insights and the assistant through the real UI, backend, AI core and database."""

import os
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backend.models import Insight, InsightPriority, InsightStatus, InsightType
from devtools.pg import ROOT_DIR
from tests.frontend import test_deals_flow
from tests.frontend.conftest import (
    BACKEND_START_TIMEOUT,
    Servers,
    backend_argv,
    free_port,
    serving,
)
from tests.frontend.test_deals_flow import Seller, create_deals_by_api, pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The same registered user with an empty workspace as the deal journeys.
seller = test_deals_flow.seller


@pytest.fixture(scope="module")
def backend_url(database: str, log_dir: Path) -> Iterator[str]:
    """The API wired to a real AI core (no Anthropic key: it answers without AI)."""
    api_port, core_port = free_port(), free_port()
    url, core_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{core_port}"
    env = {**os.environ, "DATABASE_URL": database, "AI_CORE_URL": core_url}
    env.pop("ANTHROPIC_API_KEY", None)
    core_argv = [*backend_argv(core_port)]
    core_argv[core_argv.index("backend.app:create_app")] = "ai_core.app:create_app"
    with (
        serving(
            "ai-core",
            core_argv,
            {**env, "BACKEND_URL": url},
            ROOT_DIR,
            f"{core_url}/healthz",
            BACKEND_START_TIMEOUT,
            log_dir,
        ),
        serving(
            "backend-with-ai-core",
            backend_argv(api_port),
            env,
            ROOT_DIR,
            f"{url}/readyz",
            BACKEND_START_TIMEOUT,
            log_dir,
        ),
    ):
        yield url


def seed_insight(
    engine: Engine,
    workspace_id: str,
    title: str,
    priority: InsightPriority,
    *,
    deal_id: str | None = None,
) -> str:
    with Session(engine) as session:
        insight = Insight(
            workspace_id=uuid.UUID(workspace_id),
            deal_id=uuid.UUID(deal_id) if deal_id else None,
            type=InsightType.risk,
            signal_key=f"signal:{uuid.uuid4().hex}",
            title=title,
            description="No activity for 21 days while in negotiation.",
            priority=priority,
            confidence=Decimal("0.800"),
            evidence={"idle_days": 21, "amount_at_risk": 48000},
            suggested_actions=["Call the champion"],
            status=InsightStatus.new,
            generated_without_ai=True,
        )
        session.add(insight)
        session.commit()
        return str(insight.id)


def test_a_seller_triages_insights_most_urgent_first(
    servers: Servers, seller: Seller, sync_engine: Engine, page: Page
) -> None:
    [deal_id] = create_deals_by_api(servers, seller, ("Globex expansion", "48000"))
    ws = seller.workspace_id
    seed_insight(sync_engine, ws, "Low: stale contact", InsightPriority.low)
    seed_insight(
        sync_engine, ws, "Critical: Globex gone quiet", InsightPriority.critical, deal_id=deal_id
    )
    raced = seed_insight(sync_engine, ws, "High: close date slipped", InsightPriority.high)
    sign_in(page, servers.frontend_url, seller.email)

    page.get_by_test_id("nav-insights").click()
    expect(page).to_have_url(re.compile(r"/insights$"))
    titles = page.get_by_test_id("insight-title")
    expect(titles).to_have_text(
        ["Critical: Globex gone quiet", "High: close date slipped", "Low: stale contact"]
    )
    critical = page.get_by_test_id("insight-card").filter(has_text="Critical: Globex")
    expect(critical.get_by_test_id("insight-evidence")).to_have_text(
        ["Idle days21", "Amount at risk48,000"]
    )
    expect(critical.get_by_test_id("insight-without-ai")).to_be_visible()
    expect(critical.get_by_test_id("insight-deal-link")).to_have_attribute(
        "href", f"/deals/{deal_id}"
    )

    pick(page, "filter-priority", "Critical")
    expect(page).to_have_url(re.compile(r"/insights\?priority=critical$"))
    expect(titles).to_have_text(["Critical: Globex gone quiet"])

    critical.get_by_test_id("insight-viewed").click()
    expect(critical.get_by_test_id("insight-status")).to_have_text("viewed")
    expect(critical.get_by_test_id("insight-viewed")).to_be_hidden()
    critical.get_by_test_id("insight-actioned").click()
    expect(critical.get_by_test_id("insight-status")).to_have_text("actioned")
    # Actioned is final: no way to dismiss it is offered.
    expect(critical.get_by_test_id("insight-dismiss")).to_be_hidden()

    pick(page, "filter-priority", "Any priority")
    low = page.get_by_test_id("insight-card").filter(has_text="Low: stale contact")
    low.get_by_test_id("insight-dismiss").click()
    expect(low.get_by_test_id("insight-status")).to_have_text("dismissed")

    # Someone else dismissed this one while it was on screen: the API refuses, the UI says why.
    with httpx.Client(base_url=servers.backend_url, headers=seller.headers) as api:
        gone = api.patch(f"/api/v1/workspaces/{ws}/insights/{raced}", json={"status": "dismissed"})
        assert gone.status_code == 200, gone.text
    high = page.get_by_test_id("insight-card").filter(has_text="High: close date slipped")
    high.get_by_test_id("insight-actioned").click()
    expect(page.get_by_test_id("insights-error")).to_contain_text(
        "An insight that is dismissed cannot become actioned."
    )
    expect(high.get_by_test_id("insight-status")).to_have_text("dismissed")

    page.reload()
    expect(titles).to_have_text([])
    expect(page.get_by_test_id("insights-empty")).to_contain_text("No insights yet")


def test_the_assistant_answers_which_deals_are_at_risk_without_ai(
    servers: Servers, seller: Seller, page: Page
) -> None:
    create_deals_by_api(servers, seller, ("Globex expansion", "48000"))
    sign_in(page, servers.frontend_url, seller.email)

    page.get_by_test_id("chat-toggle").click()
    page.get_by_test_id("chat-input").fill("Which deals are at risk?")
    page.get_by_test_id("chat-send").click()

    expect(page.get_by_test_id("chat-user-message")).to_have_text("Which deals are at risk?")
    answer = page.get_by_test_id("chat-answer")
    expect(answer).to_contain_text("without AI", timeout=60_000)
    expect(page.get_by_test_id("chat-without-ai")).to_be_visible()
    expect(page.get_by_test_id("chat-tool").first).to_contain_text("deals at risk")
    expect(page.get_by_test_id("chat-input")).to_have_value("")
