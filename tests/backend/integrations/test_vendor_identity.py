"""Integration records cannot set vendor identity: what routes a webhook to a workspace."""

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.integrations import crypto
from tests.factories import make_user, make_workspace


def url(ws: str, path: str = "") -> str:
    return f"/api/v1/workspaces/{ws}/integrations{path}"


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("hubspot", {"portal_id": 4411}, "body.config.portal_id"),
        ("hubspot", {"portalId": "4411"}, "body.config.portalId"),
        ("hubspot", {"hub_id": 4411}, "body.config.hub_id"),
        ("hubspot", {"auth": "oauth"}, "body.config.auth"),
        ("notion", {"notion_workspace_id": "w"}, "body.config.notion_workspace_id"),
        ("notion", {"bot_id": "b"}, "body.config.bot_id"),
        ("notion", {"deals_database": {"id": "d"}}, "body.config.deals_database"),
        ("notion", {"database_id": "db1"}, "body.config.database_id"),
        ("notion", {"handshake_at": "2026-01-01T00:00:00Z"}, "body.config.handshake_at"),
        ("notion", {"webhook_path_key": "guess"}, "body.config.webhook_path_key"),
    ],
)
async def test_a_record_cannot_set_identity_config(
    client: AsyncClient, kind: str, config: dict, field: str
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)

    created = await client.post(
        url(ws),
        json={"type": kind, "config": config, "credentials": {"access_token": "tok"}},
        headers=owner.headers,
    )

    assert created.status_code == 422
    assert [d["field"] for d in created.json()["error"]["details"]] == [field]
    assert (await client.get(url(ws), headers=owner.headers)).json() == []


@pytest.mark.parametrize(
    "name",
    ["webhook_secret", "client_secret", "verification_token", "confirmed_verification_token"],
)
async def test_a_record_cannot_set_webhook_signing_secrets(client: AsyncClient, name: str) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)

    created = await client.post(
        url(ws),
        json={"type": "hubspot", "credentials": {"access_token": "tok", name: "s3cr3t-value"}},
        headers=owner.headers,
    )

    assert created.status_code == 422
    [detail] = created.json()["error"]["details"]
    assert detail["field"] == f"body.credentials.{name}"
    assert "s3cr3t-value" not in created.text


async def test_patch_cannot_set_identity_and_keeps_what_a_connect_flow_proved(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await client.post(
        url(ws),
        json={"type": "hubspot", "credentials": {"access_token": "pat-na1-first"}},
        headers=owner.headers,
    )
    integration_id = created.json()["id"]
    with sync_engine.begin() as conn:  # as the private-app connect flow leaves it
        conn.execute(
            text(
                "update integration set hubspot_portal_id = 4411, config = :c, "
                "credentials_encrypted = :s where id = :id"
            ),
            {
                "c": '{"auth": "private_app", "currency": "USD"}',
                "s": crypto.encrypt({"access_token": "pat-na1-first", "webhook_secret": "ws"}),
                "id": integration_id,
            },
        )
    path = url(ws, f"/{integration_id}")

    refused = await client.patch(path, json={"config": {"portal_id": 1}}, headers=owner.headers)
    replaced = await client.patch(
        path,
        json={"config": {"currency": "EUR"}, "credentials": {"access_token": "pat-na1-second"}},
        headers=owner.headers,
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "body.config.portal_id"
    assert replaced.status_code == 200
    assert replaced.json()["config"] == {"currency": "EUR", "auth": "private_app"}
    with sync_engine.connect() as conn:
        row = conn.execute(
            text("select hubspot_portal_id, credentials_encrypted from integration")
        ).one()
    assert row.hubspot_portal_id == 4411
    assert crypto.decrypt(row.credentials_encrypted) == {
        "access_token": "pat-na1-second",
        "webhook_secret": "ws",
    }
