"""`python -m backend.worker`, as `make run` starts it: registers, and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import Engine, text

from devtools.pg import ROOT_DIR

WAIT_SECONDS = 120


def registered_workers(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("select count(*) from procrastinate_workers")) or 0


def test_the_worker_process_serves_the_queue_until_sigterm(
    database: str, sync_engine: Engine
) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend.worker", "--concurrency", "2"],
        cwd=ROOT_DIR,
        env={**os.environ, "DATABASE_URL": database},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while registered_workers(sync_engine) == 0:
            assert worker.poll() is None, worker.communicate()[0].decode()
            assert time.monotonic() < deadline, "the worker never registered"
            time.sleep(0.2)

        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=WAIT_SECONDS)[0].decode()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert worker.returncode == 0, output
    assert registered_workers(sync_engine) == 0
