"""The embedded cluster's owner list forgets owners that died without cleaning up."""

import json
import os
import subprocess
import sys
from pathlib import Path

from devtools.pg import HANDLES_FILE, _forget_dead_handles


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_owner_no_longer_keeps_the_server_running(tmp_path: Path) -> None:
    handles = tmp_path / HANDLES_FILE
    handles.write_text(json.dumps([dead_pid(), os.getpid()]))

    _forget_dead_handles(tmp_path)

    # This process is now the last owner: when it leaves, the library stops the server.
    assert json.loads(handles.read_text()) == [os.getpid()]


def test_a_cluster_without_owners_yet_is_left_alone(tmp_path: Path) -> None:
    _forget_dead_handles(tmp_path)

    assert not (tmp_path / HANDLES_FILE).exists()
