"""A real PostgreSQL for the whole suite: embedded unless TEST_DATABASE_URL is given.

Each pytest-xdist worker gets its own database, migrated once; every test starts from
empty tables.
"""

import os

# Settings are read at import time: make the suite's environment explicit before any import.
os.environ.update(
    ENVIRONMENT="test",
    JWT_SECRET="test-jwt-secret-0123456789abcdef0123456789",
    SERVICE_TOKEN="test-service-token-0123456789abcdef",
    ENCRYPTION_KEYS="pq2vVt8wHC0cAQ2bKq5rZ3kc8T1G6pX9yW2mN4bV7sE=",
    LOG_LEVEL="WARNING",
)

from collections.abc import AsyncIterator, Iterator  # noqa: E402

import pytest  # noqa: E402
from httpx import ASGITransport, AsyncClient  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from devtools.migrate import drop_database, ensure_database, upgrade  # noqa: E402
from devtools.pg import database_url, start_embedded  # noqa: E402
from tests.fakes.anthropic_server import anthropic_server, fake_anthropic  # noqa: E402, F401


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run if pytest-xdist silently stopped honouring `xdist_group`.

    Grouped tests share a build folder or a heavy stack; spread over workers they clobber
    each other (pytest 9.1 broke the grouping once, see pyproject.toml).
    """
    # On a worker, xdist keeps the --dist choice in this flag (its own check reads it too).
    if not getattr(config.option, "loadgroup", False):
        return
    ungrouped = [
        item.nodeid
        for item in items
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid
    ]
    if ungrouped:
        raise pytest.UsageError(f"xdist_group is not applied (e.g. {ungrouped[0]})")


@pytest.fixture(scope="session")
def database(worker_id: str) -> Iterator[str]:
    server = None
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        server = start_embedded("test")
        base = database_url(server)
    url = (
        make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
        # Unique per run and worker: parallel runs on one machine must not drop each other's.
        .set(database=f"vectoros_test_{worker_id}_{os.getpid()}")
        .render_as_string(hide_password=False)
    )
    ensure_database(url, recreate=True)
    upgrade(url)
    os.environ["DATABASE_URL"] = url
    from backend import db

    db.configure(url)
    yield url
    drop_database(url)
    del server  # the embedded server stops when the last handle goes


@pytest.fixture(scope="session")
def sync_engine(database: str) -> Iterator[Engine]:
    engine = create_engine(database)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    engine: Engine | None = (
        request.getfixturevalue("sync_engine") if "database" in request.fixturenames else None
    )
    yield
    if engine is None:
        return
    with engine.begin() as conn:
        tables = conn.scalars(
            text(
                "select quote_ident(tablename) from pg_tables where schemaname = 'public' "
                "and tablename <> 'alembic_version'"
            )
        ).all()
        if tables:
            conn.execute(text(f"truncate {', '.join(tables)} restart identity cascade"))


@pytest.fixture
async def client(database: str) -> AsyncIterator[AsyncClient]:
    from backend.app import create_app

    transport = ASGITransport(app=create_app(), client=("10.0.0.1", 1234))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
