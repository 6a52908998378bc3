"""The real backend under uvicorn in a subprocess, the way it runs in production."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from devtools.pg import ROOT_DIR
from devtools.processes import stop_group


@contextmanager
def backend(url: str, *, port: int, workers: int, log: Path, pg_options: str = "") -> Iterator[str]:
    """Start `workers` uvicorn workers on 127.0.0.1:`port`; yields the base URL.

    `pg_options` reaches every database session of the backend through libpq's PGOPTIONS
    (e.g. "-c plan_cache_mode=force_custom_plan"), to try settings without code changes.
    """
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "backend.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
    ]
    env = {**os.environ, "DATABASE_URL": url}
    if pg_options:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {pg_options}".strip()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, log)
            yield base
        finally:
            stop_group(process)


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the backend exited; see {log}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the backend did not answer /healthz within 60s; see {log}")
