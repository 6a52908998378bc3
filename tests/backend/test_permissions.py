"""The permission matrix, for every workspace route the app has (found from its routes).

An outsider, or another workspace's API key, gets 404 on every method; a viewer gets 403 on
every write.
"""

import re
import uuid

from httpx import AsyncClient

from backend.app import create_app
from tests.factories import add_member, make_user, make_workspace

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A viewer may ask the assistant and delete their own conversations: no workspace data changes.
VIEWER_WRITE_EXCEPTIONS = {
    ("POST", "/api/v1/workspaces/{workspace_id}/chat"),
    ("DELETE", "/api/v1/workspaces/{workspace_id}/chat/conversations/{conversation_id}"),
}


def workspace_routes() -> list[tuple[str, str]]:
    # Read from the OpenAPI document: it lists every mounted route with its methods.
    paths = create_app().openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in sorted(paths.items())
        if "{workspace_id}" in path
        for method in sorted(operations)
    ]


def fill(path: str, workspace_id: str) -> str:
    path = path.replace("{workspace_id}", workspace_id)
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


async def call(client: AsyncClient, method: str, path: str, headers: dict) -> int:
    response = await client.request(method, path, json={}, headers=headers)
    return response.status_code


def test_the_matrix_covers_the_revenue_domains() -> None:
    paths = {path for _, path in workspace_routes()}
    assert any("/members" in p for p in paths)
    assert any("/api-keys" in p for p in paths)
    assert len(paths) >= 6


async def test_outsiders_get_404_on_every_workspace_route(client: AsyncClient) -> None:
    owner, outsider = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await make_workspace(client, outsider, "Outsider Inc")
    failures = []
    for method, template in workspace_routes():
        status = await call(client, method, fill(template, ws), outsider.headers)
        if status != 404:
            failures.append((method, template, status))
    assert failures == []


async def test_another_workspaces_api_key_gets_404_everywhere(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    created = await client.post(
        f"/api/v1/workspaces/{other}/api-keys",
        json={"name": "other", "role": "admin"},
        headers=owner.headers,
    )
    headers = {"Authorization": f"Bearer {created.json()['secret']}"}
    failures = []
    for method, template in workspace_routes():
        status = await call(client, method, fill(template, ws), headers)
        if status != 404:
            failures.append((method, template, status))
    assert failures == []


async def test_viewers_get_403_on_every_write(client: AsyncClient) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    failures = []
    for method, template in workspace_routes():
        if method not in WRITE_METHODS or (method, template) in VIEWER_WRITE_EXCEPTIONS:
            continue
        status = await call(client, method, fill(template, ws), viewer.headers)
        if status != 403:
            failures.append((method, template, status))
    assert failures == []


async def test_a_viewer_may_still_leave_the_workspace(client: AsyncClient) -> None:
    owner, viewer = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, viewer, "viewer")
    response = await client.delete(
        f"/api/v1/workspaces/{ws}/members/{viewer.id}", headers=viewer.headers
    )
    assert response.status_code == 204
