"""Liveness and readiness: the database answers and its schema is at the migrations' head."""

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.errors import ServiceUnavailable

ROOT_DIR = Path(__file__).resolve().parent.parent


@lru_cache
def migrations_head() -> str | None:
    config = Config(str(ROOT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT_DIR / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def liveness() -> dict[str, str]:
    return {"status": "ok"}


async def schema_readiness(factory: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    head = migrations_head()
    try:
        async with factory() as session:
            current = await session.scalar(text("select version_num from alembic_version"))
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "The database is not reachable or has no schema yet.", code="database_unavailable"
        ) from exc
    if current != head:
        raise ServiceUnavailable(
            "The database schema is behind the migrations; run `make migrate`.",
            code="schema_behind",
            details={"database": current, "head": head},
        )
    return {"status": "ready", "schema": str(current)}
