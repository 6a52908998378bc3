"""Screenshots of the main pages, desktop and phone, light and dark, into screenshots/.

    uv run --frozen python -m devtools.screenshots [--out screenshots]

Starts a throwaway embedded PostgreSQL (.data/screenshots), the backend and the frontend's
production build, registers a user, loads the demo data and captures each page once it has
settled. The folder is git-ignored: nothing generated is committed.
"""

import argparse
import logging
import sys
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.server import backend
from devtools.browser import CHROMIUM, CHROMIUM_ARGS, SCRIPTS_WEB_DIR, frontend
from devtools.migrate import ensure_database, upgrade
from devtools.pg import DATA_DIR, ROOT_DIR, database_url, start_embedded
from devtools.processes import free_port

log = logging.getLogger("vectoros.screenshots")
PASSWORD = "screenshots-password"
PAGES = [
    ("dashboard", "/"),
    ("deals", "/deals"),
    ("pipeline", "/pipeline"),
    ("insights", "/insights"),
    ("settings-workspace", "/settings"),
    ("settings-api-keys", "/settings/api-keys"),
    ("settings-pipeline", "/settings/pipeline"),
    ("settings-integrations", "/settings/integrations"),
    ("settings-insights", "/settings/insights"),
]
VIEWPORTS = {"desktop": (1440, 900), "phone": (375, 812)}


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m devtools.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT_DIR / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    server = start_embedded("screenshots")
    try:
        url = database_url(server, "vectoros_screenshots")
        ensure_database(url, recreate=True)
        upgrade(url)
        logs = DATA_DIR / "screenshots-logs"
        with (
            backend(url, port=free_port(), workers=1, log=logs / "backend.log") as api,
            frontend(api, web_dir=SCRIPTS_WEB_DIR, log=logs / "frontend.log") as web,
        ):
            email = _demo_account(api)
            _capture(web, email, args.out)
    finally:
        server.cleanup()
    sys.stdout.write(f"Screenshots written to {args.out}\n")


def _demo_account(api: str) -> str:
    email = f"leader-{uuid.uuid4().hex[:6]}@example.com"
    with httpx.Client(base_url=api, timeout=120) as client:
        client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Dana Leader"},
        ).raise_for_status()
        tokens = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        ws = client.post("/api/v1/workspaces", json={"name": "Acme Sales"}, headers=headers)
        ws.raise_for_status()
        client.post(
            f"/api/v1/workspaces/{ws.json()['id']}/demo-data", headers=headers
        ).raise_for_status()
    return email


def _sign_in(page: Page, web: str, email: str) -> None:
    page.goto(f"{web}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("dashboard-title").wait_for()


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("loading-screen").wait_for(state="detached")
    # Charts animate in; skeletons fade out.
    page.wait_for_timeout(1500)


def _capture(web: str, email: str, out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for device, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,
                    is_mobile=device == "phone",
                )
                context.set_default_timeout(60_000)
                page = context.new_page()
                _sign_in(page, web, email)
                pages = PAGES if scheme == "light" else PAGES[:1]
                for name, path in pages:
                    page.goto(f"{web}{path}")
                    _settle(page)
                    target = out / f"{name}-{device}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=True)
                    log.info("  %s", target.relative_to(out.parent))
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
