"""Two populated workspaces side by side, plus a viewer and an outsider.

Building them takes seconds (real accounts, hundreds of deals), and the analytics only read
them, so they are built once per test module and truncated after it: this package replaces
the suite's per-test truncation with a per-module one.
"""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Engine, text

from tests.backend.analytics.factories import Tenants, populated_workspace
from tests.factories import add_member, make_user


@pytest.fixture(autouse=True)
def clean_tables() -> Iterator[None]:
    """Overrides the suite's fixture of the same name: see `_module_data`."""
    yield


@pytest.fixture(scope="module", autouse=True)
def _module_data(sync_engine: Engine) -> Iterator[None]:
    yield
    with sync_engine.begin() as conn:
        tables = conn.scalars(
            text(
                "select quote_ident(tablename) from pg_tables where schemaname = 'public' "
                "and tablename <> 'alembic_version'"
            )
        ).all()
        conn.execute(text(f"truncate {', '.join(tables)} restart identity cascade"))


@pytest.fixture(scope="module")
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
async def tenants(database: str, sync_engine: Engine, now: datetime) -> AsyncIterator[Tenants]:
    from backend.app import create_app

    transport = ASGITransport(app=create_app(), client=("10.0.0.2", 1234))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        owner, seller, shared, viewer, other_owner = [
            await make_user(client, name=name) for name in ("Ann", "Bo", "Cy", "Dee", "Eve")
        ]
        a = await populated_workspace(
            client, sync_engine, owner=owner, members=[seller, shared], seed=7, count=300, now=now
        )
        await add_member(client, a.id, owner, viewer, "viewer")
        b = await populated_workspace(
            client, sync_engine, owner=other_owner, members=[shared], seed=11, count=150, now=now
        )
    yield Tenants(a=a, b=b, viewer=viewer, outsider=other_owner, shared=shared)
