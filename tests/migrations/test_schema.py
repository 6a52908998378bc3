"""The migrations at head build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from backend.models import Base
from backend.models.migration_filter import include_object


def test_the_migrated_schema_matches_the_models(sync_engine: Engine) -> None:
    with sync_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diffs = compare_metadata(context, Base.metadata)

    assert diffs == []
