from httpx import AsyncClient
from sqlalchemy import Engine, text

from kit.health import migrations_head


async def test_healthz_is_alive(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_the_schema_at_head(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["schema"] == migrations_head()


async def test_readyz_reports_a_schema_behind_the_migrations(
    client: AsyncClient, sync_engine: Engine
) -> None:
    with sync_engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'an-older-revision'"))
    try:
        response = await client.get("/readyz")
    finally:
        with sync_engine.begin() as conn:
            conn.execute(
                text("update alembic_version set version_num = :head"), {"head": migrations_head()}
            )
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "schema_behind"
    assert error["details"] == {"database": "an-older-revision", "head": migrations_head()}
