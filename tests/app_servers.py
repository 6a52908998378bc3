"""Our apps under uvicorn in subprocesses, on sockets bound here (no port race)."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT_DIR = Path(__file__).resolve().parents[1]
# Generous: several processes import FastAPI, LangChain and numpy at once on a busy machine.
START_TIMEOUT = 300.0


@contextmanager
def serving(app: str, env: dict[str, str], listener: socket.socket, log: Path) -> Iterator[str]:
    """`app` under uvicorn on a socket we bound (no port race); its output goes to `log`."""
    port = listener.getsockname()[1]
    argv = [sys.executable, "-m", "uvicorn", app, "--factory", "--fd", str(listener.fileno())]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*argv, "--log-level", "warning"],
            env=env,
            cwd=ROOT_DIR,
            pass_fds=[listener.fileno()],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_alive(*urls: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        try:
            if httpx.get(f"{pending[0]}/healthz", timeout=1).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    if pending:
        tails = "\n".join(f"--- {p} ---\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
        raise RuntimeError(f"{pending[0]} did not start\n{tails}")
