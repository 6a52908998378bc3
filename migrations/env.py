"""Alembic environment: runs migrations over the async psycopg engine."""

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from backend.config import settings, to_psycopg_url
from backend.models import Base
from backend.models.migration_filter import include_object

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    url = (
        config.attributes.get("database_url")
        or os.environ.get("DATABASE_URL")
        or (settings.database_url)
    )
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    return to_psycopg_url(url)


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_async_engine(database_url())
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        asyncio.run(run_async_migrations())
