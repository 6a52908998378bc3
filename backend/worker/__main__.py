"""`python -m backend.worker`: run a worker until SIGINT/SIGTERM (it finishes its jobs first).

Start as many as you like, on as many machines: they share the queue in Postgres.
"""

import argparse
import asyncio
import logging

from backend.config import settings
from backend.worker.app import app
from kit.logging import configure_logging
from kit.startup import freeze_startup_heap


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m backend.worker", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=4, help="jobs run at once")
    args = parser.parse_args(argv)
    configure_logging(json_logs=settings.environment == "production", level=settings.log_level)
    # procrastinate narrates every job at INFO; its warnings and errors (failed jobs) remain.
    logging.getLogger("procrastinate").setLevel(max(logging.WARNING, logging.getLogger().level))
    asyncio.run(_work(args.concurrency))


async def _work(concurrency: int) -> None:
    async with app.open_async():
        freeze_startup_heap()
        # A queued job can be passed over while a webhook request holds it (see
        # webhooks.repository) and then gets no new wake-up: look again every second.
        await app.run_worker_async(
            concurrency=concurrency, name="vectoros-worker", fetch_job_polling_interval=1.0
        )


if __name__ == "__main__":
    main()
