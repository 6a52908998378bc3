"""The job queue's schema migration installs procrastinate's objects and removes them all."""

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from devtools.migrate import downgrade, drop_database, ensure_database, upgrade

BEFORE_QUEUE = "034f8a5fc708"
OBJECTS = """
select
  (select count(*) from pg_tables where tablename like 'procrastinate\\_%'),
  (select count(*) from pg_proc where proname like 'procrastinate\\_%'),
  (select count(*) from pg_type where typname like 'procrastinate\\_%' and typtype in ('e', 'c'))
"""


@pytest.fixture
def scratch_database(database: str) -> Iterator[str]:
    url = make_url(database)
    scratch = url.set(database=f"{url.database}_queue").render_as_string(hide_password=False)
    ensure_database(scratch, recreate=True)
    yield scratch
    drop_database(scratch)


def queue_objects(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = conn.execute(text(OBJECTS)).one()
    engine.dispose()
    return tuple(counts)  # type: ignore[return-value]


def test_the_queue_schema_migrates_down_and_up_again(scratch_database: str) -> None:
    upgrade(scratch_database)
    installed = queue_objects(scratch_database)

    downgrade(scratch_database, BEFORE_QUEUE)
    removed = queue_objects(scratch_database)
    upgrade(scratch_database)

    assert installed[0] == 4 and installed[1] > 10
    assert removed == (0, 0, 0)
    assert queue_objects(scratch_database) == installed
