"""POST .../demo-data: an empty workspace gets a realistic sample, once."""

from httpx import AsyncClient

from tests.factories import add_member, make_user, make_workspace


async def test_demo_data_fills_an_empty_workspace_with_deals_activities_and_insights(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)

    response = await client.post(f"/api/v1/workspaces/{ws}/demo-data", headers=owner.headers)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["deals"] == 400
    assert body["activities"] > 4000
    assert body["insights"] > 0
    deals = await client.get(f"/api/v1/workspaces/{ws}/deals?limit=1", headers=owner.headers)
    assert deals.json()["total"] == 400
    insights = await client.get(f"/api/v1/workspaces/{ws}/insights", headers=owner.headers)
    assert insights.json()["total"] == body["insights"]


async def test_demo_data_refuses_a_workspace_that_already_has_deals(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    created = await client.post(
        f"/api/v1/workspaces/{ws}/deals",
        json={"title": "Real deal", "amount": "1000"},
        headers=owner.headers,
    )
    assert created.status_code == 201

    response = await client.post(f"/api/v1/workspaces/{ws}/demo-data", headers=owner.headers)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "workspace_not_empty"


async def test_members_below_admin_cannot_load_demo_data(client: AsyncClient) -> None:
    owner, member = await make_user(client), await make_user(client)
    ws = await make_workspace(client, owner)
    await add_member(client, ws, owner, member, "member")

    response = await client.post(f"/api/v1/workspaces/{ws}/demo-data", headers=member.headers)

    assert response.status_code == 403
