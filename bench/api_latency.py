"""API latency at benchmark scale: p50/p95/p99 of the read paths against the real backend.

    uv run --frozen python -m bench.api_latency [--deals 100000 --activities 1000000 ...]

Uses DATABASE_URL when set, else an embedded Postgres in .data/bench; seeds the benchmark
dataset when it is missing; starts the backend with uvicorn; writes bench/results/latest.md.
"""

import argparse
import asyncio
import logging
import os
import platform
import random
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import endpoints, explain
from bench.report import TARGET_P95_MS, Result, table
from bench.server import backend
from devtools.migrate import ensure_database, upgrade
from devtools.pg import ROOT_DIR, database_url, start_embedded

RESULTS = ROOT_DIR / "bench" / "results"
MIN_REQUESTS = 30
log = logging.getLogger("bench")


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("vectoros").setLevel(logging.INFO)  # the seed's progress lines
    args = _parser().parse_args(argv)
    with ExitStack() as stack:
        url, server_log = _database(stack)
        seed_note = _seed(url, args, embedded=server_log is not None)
        load_at_start = os.getloadavg()
        with backend(
            url,
            port=args.port,
            workers=args.workers,
            log=RESULTS / "backend.log",
            pg_options=args.pg_options,
        ) as base:
            results, skipped = _measure(base, args)
        report = _report(url, args, results, skipped, seed_note, load_at_start)
        slow = [r.name for r in results if not r.ok]
        if slow and server_log is not None:
            log.info("==> collecting the plans of the slow endpoints")
            report += "\n## Plans of the slow endpoints (auto_explain)\n\n"
            report += _diagnose(url, args, slow, server_log)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(report)
    sys.stdout.write(report + f"\nWritten to {RESULTS / 'latest.md'}\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.api_latency", description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--workspaces", type=int, default=50, help="other tenants around it")
    parser.add_argument("--requests", type=int, default=200, help="measured requests each")
    parser.add_argument(
        "--budget",
        type=float,
        default=90,
        help=f"seconds per endpoint, after which it stops (at least {MIN_REQUESTS} requests)",
    )
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests each")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--only", default="", help="measure only endpoints whose name contains this text"
    )
    parser.add_argument(
        "--pg-options",
        default="",
        help='settings for the backend\'s database sessions, e.g. "-c work_mem=64MB"',
    )
    parser.add_argument(
        "--fresh", action="store_true", help="recreate the embedded bench database first"
    )
    return parser


def _database(stack: ExitStack) -> tuple[str, Path | None]:
    """DATABASE_URL, or the embedded cluster (and its log file, for the plans)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    log.info("==> embedded PostgreSQL in .data/bench")
    server = start_embedded("bench")
    stack.callback(server.cleanup)
    return database_url(server, "vectoros_bench"), server.log


def _seed(url: str, args: argparse.Namespace, *, embedded: bool) -> str:
    from devtools.seed import seed_benchmark

    ensure_database(url, recreate=args.fresh and embedded)
    upgrade(url)
    log.info("==> benchmark data: %s deals, %s activities", args.deals, args.activities)
    data = asyncio.run(
        seed_benchmark(
            url,
            deals=args.deals,
            activities=args.activities,
            workspaces_around=args.workspaces,
        )
    )
    if not data.created and data.deals != args.deals:
        if not embedded:
            log.warning("    DATABASE_URL holds %s benchmark deals; measuring those", data.deals)
            return f"existing dataset of {data.deals} deals (DATABASE_URL)"
        log.info("    found %s deals instead; recreating the bench database", data.deals)
        ensure_database(url, recreate=True)
        upgrade(url)
        data = asyncio.run(
            seed_benchmark(
                url,
                deals=args.deals,
                activities=args.activities,
                workspaces_around=args.workspaces,
            )
        )
    if data.created:
        log.info("    seeded in %.1fs", data.seconds)
        return f"seeded in this run in {data.seconds:.1f} s (generate + COPY + index + ANALYZE)"
    return "dataset already present (seed time: see `vectoros seed --deals ...` output)"


def _measure(base: str, args: argparse.Namespace) -> tuple[list[Result], list[tuple[str, str]]]:
    api, routes, ws = _connect(base)
    rng = random.Random(1)
    results, skipped = [], []
    for case in endpoints.cases(ws):
        if args.only not in case.name:
            continue
        reason = endpoints.missing(case, routes, ws)
        if reason:
            skipped.append((case.name, reason))
            log.info("    skip %-36s %s", case.name, reason)
            continue
        result = _run(api, case, routes[case.route], rng, args.warmup, args.requests, args.budget)
        log.info(
            "    %-36s p50 %6.1f  p95 %6.1f ms",
            case.name,
            result.percentile(50),
            result.percentile(95),
        )
        results.append(result)
    return results, skipped


def _connect(base: str) -> tuple[endpoints.Api, dict[str, set[str]], endpoints.Workspace]:
    from devtools.seed import BENCH_EMAIL, BENCH_PASSWORD

    api = endpoints.Api(base, BENCH_EMAIL, BENCH_PASSWORD)
    routes = endpoints.routes_of(api.json("/openapi.json"))
    workspace_id = next(w["id"] for w in api.json("/api/v1/workspaces"))
    return api, routes, endpoints.explore(api, workspace_id, routes)


def _run(
    api: endpoints.Api,
    case: endpoints.Case,
    declared: set[str],
    rng: random.Random,
    warmup: int,
    requests: int,
    budget: float = float("inf"),
) -> Result:
    def request() -> tuple[float, int]:
        path, params = case.build(rng)
        started = time.perf_counter()
        response = api.get(path, endpoints.prune(params, declared))
        return (time.perf_counter() - started) * 1000, response.status_code

    warm_until = time.monotonic() + budget / 6
    for _ in range(warmup):
        request()
        if time.monotonic() > warm_until:
            break
    timings: list[float] = []
    errors = 0
    # Very slow endpoints stop early (n shows it) rather than hold the run for an hour.
    deadline = time.monotonic() + budget
    while len(timings) < requests and (len(timings) < MIN_REQUESTS or time.monotonic() < deadline):
        elapsed, status = request()
        timings.append(elapsed)
        errors += status >= 400
    return Result(case.name, case.route.removeprefix(endpoints.WS), timings, errors)


def _diagnose(url: str, args: argparse.Namespace, slow: list[str], server_log: Path) -> str:
    """EXPLAIN ANALYZE plans of the slow endpoints' slowest statements (markdown)."""
    sections = []
    with (
        explain.auto_explain(url),
        backend(
            url, port=args.port, workers=1, log=RESULTS / "backend.log", pg_options=args.pg_options
        ) as base,
    ):
        api, routes, ws = _connect(base)
        rng = random.Random(2)
        for case in endpoints.cases(ws):
            if case.name not in slow:
                continue
            offset = explain.log_size(server_log)
            _run(api, case, routes[case.route], rng, 0, 5)
            plans = explain.plans_since(server_log, offset)
            sections.append(f"### {case.name}\n")
            if not plans:
                sections.append("No statement over 20 ms: the time is spent outside Postgres.\n")
            seen: set[str] = set()
            for plan in plans:
                if plan.query in seen or len(seen) == 2:
                    continue
                seen.add(plan.query)
                sections.append(f"{plan.ms:.1f} ms: `{plan.query}`\n\n```\n{plan.summary()}\n```\n")
    return "\n".join(sections)


def _report(
    url: str,
    args: argparse.Namespace,
    results: list[Result],
    skipped: list[tuple[str, str]],
    seed_note: str,
    load_at_start: tuple[float, float, float],
) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        version = conn.scalar(text("show server_version"))
        sizes = conn.execute(
            text(
                "select (select count(*) from workspace), (select count(*) from deal),"
                " (select count(*) from activity),"
                " (select count(*) from deal_stage_change),"
                " (select count(*) from deal_close_date_change)"
            )
        ).one()
    engine.dispose()
    slow = [r.name for r in results if not r.ok]
    lines = [
        f"# API latency ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`uv run --frozen python -m bench.api_latency --deals {args.deals}"
        f" --activities {args.activities} --workspaces {args.workspaces}"
        f" --requests {args.requests}"
        + (f' --pg-options "{args.pg_options}"' if args.pg_options else "")
        + "`",
        "",
        f"- machine: {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" PostgreSQL {version}; backend: uvicorn, {args.workers} workers"
        + (f"; PGOPTIONS `{args.pg_options}`" if args.pg_options else ""),
        f"- load average when the measurements started: {_load(load_at_start)}, when the run"
        f" ended: {_load(os.getloadavg())} (1 / 5 / 15 min; other work on the machine"
        " inflates every number)",
        f"- benchmark workspace: {args.deals:,} deals, {args.activities:,} seller activities"
        f" (+ system timeline entries); {args.workspaces} other workspaces",
        f"- whole database: {sizes[0]:,} workspaces, {sizes[1]:,} deals, {sizes[2]:,} activities,"
        f" {sizes[3]:,} stage changes, {sizes[4]:,} close-date changes",
        f"- seed: {seed_note}",
        f"- requests: sequential, one client, keep-alive, {args.warmup} warm-up requests"
        f" per endpoint not counted, then {args.requests} (fewer, at least {MIN_REQUESTS},"
        f" when an endpoint has used up {args.budget:.0f} s); client-side wall clock",
        "",
        table(results),
        "",
    ]
    if skipped:
        lines += ["Skipped (not available in this backend):", ""]
        lines += [f"- {name}: {reason}" for name, reason in skipped]
        lines.append("")
    if slow:
        lines.append(f"Over the {TARGET_P95_MS:.0f} ms p95 target: {', '.join(slow)}.")
    else:
        lines.append(f"Every measured endpoint is under the {TARGET_P95_MS:.0f} ms p95 target.")
    return "\n".join(lines) + "\n"


def _load(averages: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.1f}" for x in averages)


if __name__ == "__main__":
    main()
