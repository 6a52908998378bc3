"""The integration-ownership migration: which existing HubSpot rows keep their portal."""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from devtools.migrate import drop_database, ensure_database, upgrade

BEFORE = "e8d7c6b5a402"
OWNERSHIP = "f9e8d7c6b503"


@pytest.fixture
def old_schema(database: str) -> Iterator[Engine]:
    """A database of its own, migrated up to just before integration ownership."""
    url = (
        make_url(database)
        .set(database=f"{make_url(database).database}_ownership")
        .render_as_string(hide_password=False)
    )
    ensure_database(url, recreate=True)
    upgrade(url, BEFORE)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    drop_database(url)


def _integration(conn, *, kind: str, status: str, config: str, age: str) -> uuid.UUID:  # noqa: ANN001
    workspace = conn.scalar(
        text("insert into workspace (id, name) values (:id, 'W') returning id"),
        {"id": uuid.uuid4()},
    )
    return conn.scalar(
        text(
            "insert into integration (id, workspace_id, type, status, config, created_at) "
            "values (:id, :w, :kind, :status, cast(:config as jsonb), now() - cast(:age as "
            "interval)) returning id"
        ),
        {
            "id": uuid.uuid4(),
            "w": workspace,
            "kind": kind,
            "status": status,
            "config": config,
            "age": age,
        },
    )


def test_only_the_oldest_live_proven_claim_keeps_its_portal(old_schema: Engine) -> None:
    proven = '{"portal_id": 4411, "auth": "private_app", "currency": "USD"}'
    with old_schema.begin() as conn:
        rightful = _integration(
            conn, kind="hubspot", status="connected", config=proven, age="2 days"
        )
        late = _integration(conn, kind="hubspot", status="connected", config=proven, age="1 day")
        raw = _integration(
            conn, kind="hubspot", status="connected", config='{"portal_id": 5500}', age="1 day"
        )
        notion = _integration(conn, kind="notion", status="connected", config="{}", age="1 day")

    upgrade(old_schema.url.render_as_string(hide_password=False), OWNERSHIP)

    with old_schema.connect() as conn:
        found = {
            row.id: row
            for row in conn.execute(
                text("select id, hubspot_portal_id, config, webhook_path_key from integration")
            )
        }
    assert found[rightful].hubspot_portal_id == 4411
    assert found[late].hubspot_portal_id is None  # the second claim must connect again
    assert found[raw].hubspot_portal_id is None  # never proven by a connect flow
    assert all("portal_id" not in row.config for row in found.values())
    assert found[rightful].config == {"auth": "private_app", "currency": "USD"}
    keys = [row.webhook_path_key for row in found.values()]
    assert found[notion].webhook_path_key and len(set(keys)) == len(keys)
    assert all(len(key) >= 40 for key in keys)
