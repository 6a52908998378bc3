"""`vectoros run` stops cleanly on a kill or a closed terminal, not only on Ctrl-C."""

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
