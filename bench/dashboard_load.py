"""Time to a populated dashboard on the 100,000-deal workspace, measured in the browser.

    uv run --frozen python -m bench.dashboard_load [--runs 5]

Uses DATABASE_URL when set, else an embedded PostgreSQL in .data/bench-dashboard, migrated
to head and seeded when empty exactly as `bench.api_latency` seeds .data/bench (100,000
deals, 1,000,000 activities, 50 other workspaces; about two minutes). Starts the backend (2 uvicorn
workers) and the frontend's production build, signs in as the bench account in the system
chromium, then times each run (a fresh tab) from pressing "Sign in" until the dashboard
it lands on shows numbers on all five headline cards and every chart has drawn. Also
times the one aggregate API call the page makes. Writes bench/results/dashboard_load.md.
"""

import argparse
import asyncio
import logging
import os
import re
import statistics
import sys
import time
from contextlib import ExitStack

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from bench.server import backend
from devtools.browser import CHROMIUM, CHROMIUM_ARGS, SCRIPTS_WEB_DIR, frontend
from devtools.migrate import ensure_database, upgrade
from devtools.pg import ROOT_DIR, database_url, start_embedded
from devtools.processes import free_port
from devtools.seed import BENCH_EMAIL, BENCH_PASSWORD, BENCH_WORKSPACE, seed_benchmark

log = logging.getLogger("vectoros.bench")
RESULTS = ROOT_DIR / "bench" / "results"
CARDS = ["open_pipeline", "weighted_pipeline", "won", "win_rate", "forecast"]
CHARTS = ["chart-pipeline", "chart-forecast", "chart-won-trend", "chart-funnel", "chart-activity"]
MARKS = ".recharts-bar-rectangle path, .recharts-area-area"


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_load", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="measured page loads")
    parser.add_argument("--api-requests", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = _database(stack)
        ensure_database(url)
        upgrade(url)
        asyncio.run(seed_benchmark(url, deals=100_000, activities=1_000_000, workspaces_around=50))
        logs = RESULTS / "dashboard-load-logs"
        api = stack.enter_context(
            backend(url, port=free_port(), workers=args.workers, log=logs / "backend.log")
        )
        log.info("==> building and starting the frontend")
        web = stack.enter_context(frontend(api, web_dir=SCRIPTS_WEB_DIR, log=logs / "frontend.log"))
        api_ms = _api_timings(api, args.api_requests)
        page_ms = _page_timings(web, args.runs)
    report = _report(page_ms, api_ms)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard_load.md").write_text(report)
    sys.stdout.write(report)


def _database(stack: ExitStack) -> str:
    """DATABASE_URL, or an embedded cluster of its own (.data/bench-dashboard) seeded like
    the API benchmark's (same seed, same data): migrating it to head leaves the shared
    benchmark database at the revision others measure."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    server = start_embedded("bench-dashboard")
    stack.callback(server.cleanup)
    return database_url(server, "vectoros_bench")


def _api_timings(api: str, requests: int) -> list[float]:
    """The dashboard's aggregate call, as the page makes it (default quarter, no filters)."""
    with httpx.Client(base_url=api, timeout=60) as client:
        tokens = client.post(
            "/api/v1/auth/login", json={"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        workspaces = client.get("/api/v1/workspaces", headers=headers).json()
        ws = next(w["id"] for w in workspaces if w["name"] == BENCH_WORKSPACE)
        timings = []
        for n in range(requests + 2):
            started = time.perf_counter()
            client.get(f"/api/v1/workspaces/{ws}/dashboard", headers=headers).raise_for_status()
            if n >= 2:  # two warm-up requests
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def _populated(page: Page) -> None:
    for key in CARDS:
        value = page.get_by_test_id(f"card-{key}").get_by_test_id("card-value")
        expect(value).to_have_text(re.compile(r"\d"))
    for chart in CHARTS:
        expect(page.get_by_test_id(chart).locator(MARKS).first).to_be_attached()


def _page_timings(web: str, runs: int) -> list[float]:
    """Each run in a fresh browser context (a new tab: no state on the server yet), from
    pressing "Sign in" to the populated dashboard it lands on."""
    timings = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=120_000)
        for n in range(runs + 1):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.set_default_timeout(120_000)
            page = context.new_page()
            page.goto(f"{web}/login")
            page.get_by_label("Email").fill(BENCH_EMAIL)
            page.get_by_label("Password").fill(BENCH_PASSWORD)
            started = time.perf_counter()
            page.get_by_test_id("login-submit").click()
            _populated(page)
            elapsed = (time.perf_counter() - started) * 1000
            context.close()
            if n == 0:
                continue  # the first run warms the server's caches; it is not counted
            timings.append(elapsed)
            log.info("  run %s: %.0f ms", n, elapsed)
        browser.close()
    return timings


def _report(page_ms: list[float], api_ms: list[float]) -> str:
    return (
        "| what | runs | median ms | min ms | max ms |\n|---|---:|---:|---:|---:|\n"
        f"| browser: sign in -> populated dashboard | {len(page_ms)} | "
        f"{statistics.median(page_ms):.0f} | {min(page_ms):.0f} | {max(page_ms):.0f} |\n"
        f"| API: GET .../dashboard (default quarter) | {len(api_ms)} | "
        f"{statistics.median(api_ms):.0f} | {min(api_ms):.0f} | {max(api_ms):.0f} |\n"
    )


if __name__ == "__main__":
    main()
