"""The migration builds the chat tables exactly as the models declare them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from backend.models import Base

CHAT_TABLES = {"conversation", "chat_message"}


def _table_of(diff: object) -> str | None:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item if isinstance(item, tuple) else (item,):
            table = getattr(part, "table", None)
            name = getattr(part, "name", None) if table is None else table.name
            if isinstance(name, str):
                return name
    return None


def test_the_chat_tables_match_their_models(sync_engine: Engine) -> None:
    with sync_engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    assert [d for d in diffs if _table_of(d) in CHAT_TABLES] == []
