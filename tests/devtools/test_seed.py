"""The demo seed fills one workspace once; running it again creates nothing."""

from sqlalchemy import Engine, text

from backend import db
from devtools.seed import seed_demo

EMAIL = "demo@vectoros.dev"
COUNTS = (
    'select (select count(*) from "user"), (select count(*) from workspace),'
    " (select count(*) from deal), (select count(*) from activity),"
    " (select count(*) from deal_stage_change)"
)


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(COUNTS)).one())


async def test_seed_demo_creates_a_filled_workspace_once(
    database: str, sync_engine: Engine
) -> None:
    try:
        assert await seed_demo(database, email=EMAIL, password="demo-password", deals=60)
        after_first = _counts(sync_engine)
        assert not await seed_demo(database, email=EMAIL, password="demo-password", deals=60)
        assert _counts(sync_engine) == after_first
    finally:
        db.configure(database)  # the seed disposes its engine; give later tests a fresh one
    users, workspaces, deals, activities, stage_changes = after_first
    assert (workspaces, deals) == (1, 60)
    assert users > 1  # the demo account and the sellers who own deals with it
    assert activities > deals and stage_changes >= deals


async def test_seed_demo_logs_in_with_the_given_password(database: str, client) -> None:
    try:
        await seed_demo(database, email=EMAIL, password="demo-password", deals=20)
    finally:
        db.configure(database)
    response = await client.post(
        "/api/v1/auth/login", json={"email": EMAIL, "password": "demo-password"}
    )
    assert response.status_code == 200
    workspaces = await client.get(
        "/api/v1/workspaces",
        headers={"Authorization": f"Bearer {response.json()['access_token']}"},
    )
    assert [w["name"] for w in workspaces.json()] == ["Demo Sales"]
