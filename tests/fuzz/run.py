"""`make fuzz`: a long schemathesis run against the backend as deployed; fails on any 5xx.

What runs, all on loopback: the embedded PostgreSQL (.data/fuzz) with a fresh database migrated
to head; the backend and the AI core under uvicorn (the AI core without a model key); HubSpot
and Notion as the suite's fake servers. A workspace is filled with one of every kind of object
(tests/backend/hardening/world.py), its owner signs every request, and generated ids become
that workspace's real ones (tests/fuzz/hooks.py). Then `schemathesis run` covers every
operation with positive and negative cases, seeded and deterministic, checking
`not_a_server_error`.

The operations are split between `FUZZ_SHARDS` schemathesis processes run side by side
(the backend mostly waits on Postgres; one process alone leaves the machine idle).

    FUZZ_EXAMPLES  cases an operation in the fuzzing phase (default 200)
    FUZZ_SEED      the seed (default fixed, so CI runs are reproducible)
    FUZZ_SHARDS    schemathesis processes (default 3)

Reports (JUnit and the failing cases as a pytest file) go to .data/fuzz-report/<shard>/.
"""

import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from cryptography.fernet import Fernet

ROOT_DIR = Path(__file__).resolve().parents[2]
REPORT_DIR = ROOT_DIR / ".data" / "fuzz-report"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
SEED = int(os.environ.get("FUZZ_SEED", "20261208"))
# Processes, not schemathesis workers (threads): generating in several threads at once trips
# a CPython `ast` check inside Hypothesis now and then (a "Runtime Error" for an operation).
SHARDS = int(os.environ.get("FUZZ_SHARDS", "3"))

CONFIG = """\
seed = {seed}
workers = 1
max-stream-events = 1
request-timeout = 30
suppress-health-check = ["all"]

[generation]
mode = "all"
max-examples = {examples}
deterministic = true
database = "none"

[phases.stateful]
enabled = false

[checks]
enabled = false

[checks.not_a_server_error]
enabled = true

[reports.junit]
enabled = true
path = "{report_dir}/junit.xml"

[reports.pytest]
enabled = true
path = "{report_dir}/failures_test.py"
"""


def secret_env() -> dict[str, str]:
    """Fresh random secrets: the served apps refuse placeholders outside development."""
    return {
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
        "JWT_SECRET": secrets.token_urlsafe(48),
        "SERVICE_TOKEN": secrets.token_urlsafe(32),
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ACCESS_TOKEN_MINUTES": "120",
    }


def main() -> int:
    os.environ.update(secret_env())  # before any import reads the settings
    from sqlalchemy.engine import make_url

    from backend import db
    from devtools.migrate import drop_database, ensure_database, upgrade
    from devtools.pg import database_url, start_embedded
    from tests.app_servers import serving, wait_until_alive
    from tests.backend.hardening.world import make_world
    from tests.fakes.hubspot_api import CLIENT_ID, CLIENT_SECRET, FakeHubSpot
    from tests.fakes.notion_api import FakeNotion

    server = start_embedded("fuzz")
    url = (
        make_url(database_url(server))
        .set(database=f"vectoros_fuzz_{os.getpid()}")
        .render_as_string(hide_password=False)
    )
    ensure_database(url, recreate=True)
    try:
        upgrade(url)
        db.configure(url)
        with ExitStack() as stack:
            hubspot = FakeHubSpot().start()
            stack.callback(hubspot.stop)
            notion = stack.enter_context(FakeNotion())
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "HUBSPOT_API_BASE_URL": hubspot.base_url,
                "HUBSPOT_CLIENT_ID": CLIENT_ID,
                "HUBSPOT_CLIENT_SECRET": CLIENT_SECRET,
                "NOTION_API_BASE_URL": notion.base_url,
            }
            ai_core = stack.enter_context(
                serving("ai_core.app:create_app", env, _listener(), logs / "ai_core.log")
            )
            backend = stack.enter_context(
                serving(
                    "backend.app:create_app",
                    {**env, "AI_CORE_URL": ai_core},
                    _listener(),
                    logs / "backend.log",
                )
            )
            wait_until_alive(ai_core, backend, logs=[logs / "ai_core.log", logs / "backend.log"])
            world = asyncio.run(_world(backend, hubspot, notion, make_world))
            code = _schemathesis(backend, world.headers, world.ids.by_kind)
            if code != 0:
                errors = [
                    line
                    for line in (logs / "backend.log").read_text(errors="replace").splitlines()
                    if "error" in line.lower()
                ]
                print("backend errors:", *errors[-40:], sep="\n")  # noqa: T201
            return code
    finally:
        drop_database(url)
        del server


def _listener() -> socket.socket:
    return socket.create_server(("127.0.0.1", 0))


async def _world(backend: str, hubspot: object, notion: object, make_world: object) -> object:
    import httpx

    from backend import db

    async with httpx.AsyncClient(base_url=backend, timeout=60) as client:
        world = await make_world(client, hubspot, notion, 81_000_001)  # type: ignore[operator]
    await db.engine.dispose()
    return world


def _schemathesis(backend: str, headers: dict[str, str], ids: dict[str, str]) -> int:
    """The shards side by side; each one's summary (and failures) printed once it is done."""
    import httpx

    document = httpx.get(f"{backend}/openapi.json", timeout=30).json()
    operation_ids = sorted(
        op["operationId"] for item in document["paths"].values() for op in item.values()
    )
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
        "FUZZ_IDS": json.dumps(ids),
        "PYTHONPATH": str(ROOT_DIR),
    }
    with tempfile.TemporaryDirectory() as scratch:
        running = []
        for shard in range(SHARDS):
            chosen = operation_ids[shard::SHARDS]
            report_dir = REPORT_DIR / str(shard)
            report_dir.mkdir(parents=True, exist_ok=True)
            config = Path(scratch) / f"schemathesis-{shard}.toml"
            config.write_text(
                CONFIG.format(seed=SEED, examples=EXAMPLES, report_dir=report_dir.as_posix())
            )
            only = "^(" + "|".join(re.escape(name) for name in chosen) + ")$"
            argv = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config)]
            argv += ["run", f"{backend}/openapi.json", "--no-color"]
            argv += [f"--header=Authorization: {headers['Authorization']}"]
            argv += [f"--include-operation-id-regex={only}"]
            output = (Path(scratch) / f"shard-{shard}.log").open("w+")
            process = subprocess.Popen(
                argv, cwd=ROOT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )
            running.append((shard, process, output))
        code = 0
        for shard, process, output in running:
            code = max(code, process.wait())
            output.seek(0)
            text = output.read()
            output.close()
            start = min(
                (
                    text.find(m)
                    for m in ("= FAILURES", "= ERRORS", "= WARNINGS", "= SUMMARY")
                    if m in text
                ),
                default=0,
            )
            print(f"==> shard {shard + 1}/{SHARDS}: exit {process.returncode}")  # noqa: T201
            print(text[text.rfind("\n", 0, start) + 1 :])  # noqa: T201
        return code


if __name__ == "__main__":
    sys.exit(main())
