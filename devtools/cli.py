"""`vectoros`: run the whole platform locally, migrate, seed demo data, write secrets."""

import argparse
import asyncio
import importlib
import logging
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from pydantic import ValidationError

from devtools import secrets
from devtools.migrate import ensure_database, upgrade
from devtools.pg import ROOT_DIR, database_url, start_embedded

log = logging.getLogger("vectoros")
DEMO_EMAIL = "demo@vectoros.dev"
DEMO_PASSWORD = "vectoros-demo"


def main(argv: list[str] | None = None) -> None:
    # Calm output: our progress lines only; Postgres and Alembic speak up on warnings.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    parser = argparse.ArgumentParser(prog="vectoros", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Postgres, migrate, seed demo data, start every service")
    commands.add_parser("migrate", help="apply the Alembic migrations")
    seed = commands.add_parser(
        "seed",
        help="create the demo account and workspace, or with --deals a benchmark workspace",
    )
    seed.add_argument(
        "--deals", type=int, help="generate a benchmark workspace with this many deals"
    )
    seed.add_argument(
        "--activities", type=int, help="seller activities in it (default: 10 per deal)"
    )
    seed.add_argument(
        "--workspaces", type=int, default=0, help="smaller tenant workspaces around it"
    )
    commands.add_parser("secrets", help="write random secrets to .env (keeps real ones)")
    args = parser.parse_args(argv)
    if args.command == "secrets":
        secrets.main([])
        return
    _check_settings(parser)
    if args.command == "run":
        stop_on_signals()
    with ExitStack() as stack:
        url = _database(stack)
        if args.command == "migrate":
            _migrate(url)
        elif args.command == "seed":
            _migrate(url)
            if args.deals is None:
                _seed(url)
            else:
                _seed_benchmark(url, args.deals, args.activities, args.workspaces)
        else:
            _run(url)


def _check_settings(parser: argparse.ArgumentParser) -> None:
    """Stop with the settings' own words (e.g. placeholder secrets off loopback), no traceback."""
    reasons = []
    for service in ("backend", "ai_core"):
        try:
            importlib.import_module(f"{service}.config")
        except ValidationError as exc:
            reasons += [
                f"{service}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
            ]
    if reasons:
        parser.exit(
            2, "vectoros: the settings are not fit to start:\n  " + "\n  ".join(reasons) + "\n"
        )


def _database(stack: ExitStack) -> str:
    """DATABASE_URL when set, else the embedded cluster in .data/dev (stopped on exit)."""
    from backend.config import settings

    if settings.database_url:
        return settings.database_url
    log.info("==> starting embedded PostgreSQL in .data/dev")
    server = start_embedded("dev")
    stack.callback(server.cleanup)
    url = database_url(server, "vectoros")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    return url


def _migrate(url: str) -> None:
    log.info("==> applying migrations")
    upgrade(url)


def _seed(url: str) -> None:
    from devtools import seed

    created = asyncio.run(seed.seed_demo(url, email=DEMO_EMAIL, password=DEMO_PASSWORD))
    log.info("==> demo workspace %s", "created" if created else "already there")


def _seed_benchmark(url: str, deals: int, activities: int | None, workspaces: int) -> None:
    from devtools import seed

    log.info("==> generating %s deals and %s other workspaces", deals, workspaces)
    data = asyncio.run(
        seed.seed_benchmark(
            url,
            deals=deals,
            activities=deals * 10 if activities is None else activities,
            workspaces_around=workspaces,
        )
    )
    if data.created:
        log.info(
            "==> benchmark workspace created in %.1fs: %s deals, %s activities in all",
            data.seconds,
            data.deals,
            data.activities,
        )
    else:
        log.info("==> benchmark workspace already there (%s deals); left as is", data.deals)
    log.info(
        "    workspace %s, login %s / %s", data.workspace_id, seed.BENCH_EMAIL, seed.BENCH_PASSWORD
    )


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP (a `kill`, a closed terminal) stop `run` the way Ctrl-C does.

    SIGINT too, explicitly: a shell starting `make run` in the background ignores it.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _run(url: str) -> None:
    from ai_core.config import settings as ai_core_settings
    from backend.config import settings as backend_settings
    from devtools.frontend import frontend_command

    _migrate(url)
    _seed(url)
    backend_url = f"http://{backend_settings.backend_host}:{backend_settings.backend_port}"
    ai_core_port = ai_core_settings.ai_core_port
    frontend_port = int(os.environ.get("FRONTEND_PORT", "3000"))
    env = {**os.environ, "DATABASE_URL": url, "BACKEND_URL": backend_url}
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "--log-level", "warning"]
    processes = [
        _spawn(
            "backend",
            [
                *uvicorn,
                "backend.app:create_app",
                "--host",
                backend_settings.backend_host,
                "--port",
                str(backend_settings.backend_port),
                # Open event streams would otherwise hold shutdown until every client leaves.
                "--timeout-graceful-shutdown",
                "5",
            ],
            env,
        ),
        _spawn(
            "ai_core",
            [
                *uvicorn,
                "ai_core.app:create_app",
                "--host",
                ai_core_settings.ai_core_host,
                "--port",
                str(ai_core_port),
            ],
            env,
        ),
        _spawn("worker", [sys.executable, "-m", "backend.worker"], env),
    ]
    argv, frontend_env, cwd = frontend_command(
        port=frontend_port, backend_url=backend_url, origins=backend_settings.cors_origins
    )
    log.info("==> building and starting the frontend (first run installs npm packages)")
    processes.append(_spawn("frontend", argv, {**env, **frontend_env}, cwd))
    try:
        _wait_for(f"{backend_url}/healthz", "backend")
        _wait_for(f"http://{ai_core_settings.ai_core_host}:{ai_core_port}/healthz", "AI core")
        _wait_for(f"http://127.0.0.1:{frontend_port}/", "frontend", timeout=600)
        log.info(
            "\nVectorOS is up:\n  dashboard  http://localhost:%s\n  API        %s/docs\n"
            "  AI core    http://127.0.0.1:%s/docs\n  demo login %s / %s\nCtrl-C stops everything.",
            frontend_port,
            backend_url,
            ai_core_port,
            DEMO_EMAIL,
            DEMO_PASSWORD,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        log.error("==> a service exited; stopping the others")
    except KeyboardInterrupt:
        log.info("\n==> stopping")
    finally:
        _stop(processes)


def _spawn(
    name: str, argv: list[str], env: dict[str, str], cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    log.info("==> starting %s", name)
    # Own process group each, so Ctrl-C handling and shutdown reach every child (node, granian).
    return subprocess.Popen(argv, env=env, cwd=cwd or ROOT_DIR, start_new_session=True)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _wait_for(url: str, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                log.info("    %s ready", name)
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not come up at {url} within {timeout:.0f}s")


if __name__ == "__main__":
    main()
