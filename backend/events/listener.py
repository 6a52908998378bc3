"""The one LISTEN connection of a backend process, kept open with reconnects and backoff."""

import asyncio
import contextvars
from collections.abc import Callable

import psycopg
import structlog
from psycopg import sql
from psycopg.conninfo import make_conninfo

from backend import db
from backend.events.publisher import CHANNEL

log = structlog.get_logger(__name__)

APPLICATION_NAME = "vectoros-events"
MIN_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0
_LIBPQ_OPTIONS: dict[str, str | int] = {
    "connect_timeout": 5,
    "application_name": APPLICATION_NAME,
    # A dead peer (no RST) would otherwise leave notifies() waiting forever.
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def database_dsn() -> str:
    """The libpq DSN of the engine the app uses, read at connect time (tests reconfigure it)."""
    if db.engine is None:
        raise RuntimeError("DATABASE_URL is not set")
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """Runs `LISTEN` on its own autocommit connection and hands every payload to `on_payload`.

    `on_lost` runs when a connection that was listening drops: notifications sent while it
    reconnects are gone, and subscribers must be told.
    """

    def __init__(
        self,
        *,
        on_payload: Callable[[str], None],
        on_lost: Callable[[], None],
        dsn: Callable[[], str] = database_dsn,
    ) -> None:
        self._on_payload = on_payload
        self._on_lost = on_lost
        self._dsn = dsn
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    def start(self) -> None:
        if self._task is None or self._task.done():
            # A fresh context: the listener outlives the request that started it, and must
            # not log with that request's id.
            self._task = asyncio.create_task(self._run(), context=contextvars.Context())

    async def wait_listening(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._listening.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    async def _run(self) -> None:
        backoff = MIN_BACKOFF_SECONDS
        while True:
            try:
                conninfo = make_conninfo(self._dsn(), **_LIBPQ_OPTIONS)
                async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                    self._listening.set()
                    backoff = MIN_BACKOFF_SECONDS
                    log.info("events.listening", channel=CHANNEL)
                    async for notify in conn.notifies():
                        self._on_payload(notify.payload)
            except Exception as exc:  # live updates must survive any failure, bugs included
                log.warning(
                    "events.listener_failed", error=f"{type(exc).__name__}: {exc}", retry_in=backoff
                )
            finally:
                if self._listening.is_set():
                    self._listening.clear()
                    self._on_lost()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
