"""`vectoros run` stops cleanly on a kill or a closed terminal, not only on Ctrl-C."""

import os
import signal
import subprocess
import sys

import pytest

from devtools.pg import ROOT_DIR

# What `_run` does around its services: wait, and clean up on KeyboardInterrupt.
SCRIPT = """
import time
from devtools.cli import stop_on_signals
stop_on_signals()
try:
    print("ready", flush=True)
    time.sleep(60)
except KeyboardInterrupt:
    print("stopping cleanly", flush=True)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_reaches_the_cleanup(sig: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT_DIR,
        stdout=subprocess.PIPE,
        text=True,
        # As a shell without job control starts a background job: SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(sig)
    out, _ = process.communicate(timeout=30)
    assert out.strip() == "stopping cleanly"
    assert process.returncode == 0


PLACEHOLDERS = {
    "ENVIRONMENT": "development",
    "JWT_SECRET": "change-me-jwt-secret",
    "SERVICE_TOKEN": "change-me-service-token",
    "ENCRYPTION_KEYS": "change-me-00000000000000000000000000000000000=",
    "BACKEND_HOST": "127.0.0.1",
    "AI_CORE_HOST": "127.0.0.1",
}


@pytest.mark.parametrize("exposed", ["BACKEND_HOST", "AI_CORE_HOST"])
def test_run_refuses_placeholder_secrets_when_a_service_leaves_loopback(exposed: str) -> None:
    """Before it starts anything: no database, no service, one clear message."""
    # Should the check be missing, `run` fails at the migrations instead of starting a platform.
    unreachable = "postgresql://nobody@127.0.0.1:1/nothing"
    env = {**os.environ, **PLACEHOLDERS, exposed: "0.0.0.0", "DATABASE_URL": unreachable}
    done = subprocess.run(
        [sys.executable, "-m", "devtools.cli", "run"],
        cwd=ROOT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "binds to 0.0.0.0" in done.stderr
    assert "make secrets" in done.stderr
    assert "Traceback" not in done.stderr
    assert "starting" not in done.stdout + done.stderr
