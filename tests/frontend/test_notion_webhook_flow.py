"""Settings -> Integrations: an admin sees the Notion webhook URL and confirms the token."""

import os
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

from backend.integrations import crypto
from backend.notion.signature import sign
from tests.frontend import test_deals_flow
from tests.frontend.conftest import Servers
from tests.frontend.test_deals_flow import Seller, sign_in
from tests.shared_data import SHARED_DATA

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

seller = test_deals_flow.seller
TOKEN = "secret_notion_handshake_token_for_the_ui_test"


def connect_notion(engine: Engine, workspace_id: str) -> None:
    """A Notion integration as the connect flow leaves it (its mapping is not under test)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into integration (id, workspace_id, type, status, config, "
                "credentials_encrypted, webhook_path_key) values "
                "(:id, :ws, 'notion', 'connected', '{}', :secret, :key)"
            ),
            {
                "id": uuid.uuid4(),
                "ws": workspace_id,
                "secret": crypto.encrypt({"access_token": "secret_integration_token_0000"}),
                "key": uuid.uuid4().hex + uuid.uuid4().hex,
            },
        )


def test_an_admin_confirms_the_notion_verification_token(
    servers: Servers, seller: Seller, page: Page, sync_engine: Engine, tmp_path: Path
) -> None:
    connect_notion(sync_engine, seller.workspace_id)
    notion = f"{servers.backend_url}/api/v1/workspaces/{seller.workspace_id}/integrations/notion"
    webhook_url = httpx.get(f"{notion}/connection", headers=seller.headers).json()["webhook_url"]
    webhook = servers.backend_url + urlparse(webhook_url).path
    assert httpx.post(webhook, json={"verification_token": TOKEN}).status_code == 200
    event = (SHARED_DATA / "notion" / "docs_example_events" / "page_created.json").read_bytes()
    headers = {"Content-Type": "application/json", "X-Notion-Signature": sign(TOKEN, event)}
    assert httpx.post(webhook, content=event, headers=headers).status_code == 401

    sign_in(page, servers.frontend_url, seller.email)
    page.goto(f"{servers.frontend_url}/settings/integrations")
    section = page.get_by_test_id("notion-section")
    expect(section.get_by_test_id("notion-webhook-url")).to_have_text(webhook_url)
    expect(section.get_by_test_id("notion-webhook-status")).to_have_text("waiting for confirmation")
    expect(section.get_by_test_id("notion-pending-token")).to_have_text(TOKEN)
    _screenshot(section, tmp_path / "notion-pending.png")
    page.set_viewport_size({"width": 375, "height": 812})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the Notion section scrolls sideways by {overflow}px on a phone"
    _screenshot(section, tmp_path / "notion-pending-phone.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    section.get_by_test_id("notion-confirm").click()

    expect(page.get_by_test_id("settings-notice")).to_contain_text("Notion webhook confirmed")
    expect(section.get_by_test_id("notion-webhook-status")).to_have_text("confirmed")
    expect(section.get_by_test_id("notion-pending-token")).to_have_count(0)
    _screenshot(section, tmp_path / "notion-confirmed.png")
    shown = httpx.get(f"{notion}/verification-token", headers=seller.headers).json()
    assert shown["confirmed"] is True
    # The same signed event, refused before, is accepted now.
    after = httpx.post(webhook, content=event, headers=headers)
    assert (after.status_code, after.json()) == (200, {"status": "accepted"})


def _screenshot(locator, path: Path) -> None:
    """Kept with the test's files; VECTOROS_SCREENSHOT_DIR collects them for a look."""
    locator.screenshot(path=path)
    folder = os.environ.get("VECTOROS_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / path.name).write_bytes(path.read_bytes())
