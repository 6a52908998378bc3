"""Run the worker's queued jobs inside the test process, without its cron schedule."""

from collections.abc import Iterator
from contextlib import contextmanager

from procrastinate.periodic import PeriodicRegistry

from backend.worker.app import app as worker_app


@contextmanager
def _no_periodic_tasks() -> Iterator[None]:
    # A worker also defers the periodic tasks whose minute has just come: a test running at
    # xx:41 would get an extra Notion reconcile. Tests queue exactly the jobs they expect.
    registry = worker_app.periodic_registry
    worker_app.periodic_registry = PeriodicRegistry()
    try:
        yield
    finally:
        worker_app.periodic_registry = registry


async def run_queued_jobs() -> None:
    """What a worker does, in this process: run every job that is due, then return."""
    with _no_periodic_tasks():
        async with worker_app.open_async():
            await worker_app.run_worker_async(
                wait=False, install_signal_handlers=False, listen_notify=False
            )
