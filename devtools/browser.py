"""The Reflex frontend and the system chromium, for scripts that drive the real UI."""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.frontend import frontend_command, wait_until_up_blocking
from devtools.pg import DATA_DIR
from devtools.processes import free_port, stop_group

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FRONTEND_START_TIMEOUT = 600.0
# One build folder for the scripts (screenshots, dashboard benchmark): run one at a time.
SCRIPTS_WEB_DIR = DATA_DIR / "scripts-web" / ".web"


@contextmanager
def frontend(backend_url: str, *, web_dir: Path, log: Path) -> Iterator[str]:
    """The production build of the app on a free port, talking to `backend_url`."""
    port = free_port()
    argv, env, cwd = frontend_command(port=port, backend_url=backend_url, web_dir=web_dir)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up_blocking(url, timeout=FRONTEND_START_TIMEOUT, process=process)
            yield url
        finally:
            stop_group(process)
