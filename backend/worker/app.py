"""The background job queue: procrastinate on our own Postgres, no other server.

Jobs live in `procrastinate_jobs` (status todo/doing/succeeded/failed, attempts), so a
failure is a row anyone can query, and several workers on several machines share the
queue through `SELECT ... FOR UPDATE SKIP LOCKED`.
"""

from typing import Any

import psycopg
import psycopg_pool
from procrastinate import App, PsycopgConnector
from procrastinate.tasks import Task
from sqlalchemy.ext.asyncio import AsyncSession

from backend import db


def conninfo() -> str:
    """The database this process is configured for, as a libpq URL."""
    if db.engine is None:
        raise RuntimeError("DATABASE_URL is not set")
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pool(**options: Any) -> psycopg_pool.AsyncConnectionPool:
    # Resolved when the app opens, not at import: the CLI and the tests configure
    # backend.db after this module is imported.
    return psycopg_pool.AsyncConnectionPool(conninfo=conninfo(), **options)


app = App(
    connector=PsycopgConnector(pool_factory=_pool, min_size=1, max_size=10),
    import_paths=[
        "backend.worker.tasks",
        "backend.worker.hubspot_tasks",
        "backend.worker.insight_tasks",
        "backend.worker.notion_tasks",
        "backend.worker.mail_tasks",
    ],
)


async def defer(
    session: AsyncSession,
    task: Task[Any, Any, Any],
    *,
    lock: str | None = None,
    queueing_lock: str | None = None,
    **task_kwargs: Any,
) -> int:
    """Enqueue `task` inside the session's transaction: the job exists iff the data commits.

    procrastinate's connector has its own pool, so deferring through it would commit the job
    even if the request then rolled back. Its documented `connection=` option runs the
    INSERT (its `procrastinate_defer_jobs_v1` function) on the connection we pass: ours.
    """
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert isinstance(raw, psycopg.AsyncConnection)
    deferrer = task.configure(connection=raw, lock=lock, queueing_lock=queueing_lock)
    return await deferrer.defer_async(**task_kwargs)
