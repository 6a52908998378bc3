"""Engine, session factory and the one per-request session dependency."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from backend.config import settings


def create_engine(url: str | None = None) -> AsyncEngine:
    return create_async_engine(
        url or settings.async_database_url, pool_size=10, max_overflow=20, pool_pre_ping=True
    )


engine: AsyncEngine = create_engine() if settings.database_url else None  # type: ignore[assignment]
SessionFactory = async_sessionmaker(engine, expire_on_commit=False) if engine else None


def configure(url: str) -> None:
    """Point the process at a database (used by the CLI and the tests)."""
    global engine, SessionFactory
    engine = create_engine(url)
    SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


def session_factory() -> async_sessionmaker[AsyncSession]:
    if SessionFactory is None:
        raise RuntimeError("DATABASE_URL is not set")
    return SessionFactory


async def get_session() -> AsyncIterator[AsyncSession]:
    """One session per request: commit on success, roll back on any error."""
    async with session_factory()() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# scope="function": the commit happens before the response is sent. With FastAPI's default
# ("request") it ran after, so a client could act on a 201 whose row was not committed yet,
# and a streaming response held its pooled connection for as long as it streamed.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
