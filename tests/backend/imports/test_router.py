"""Deal CSV imports over HTTP: upload, background job, progress, errors, idempotent re-import."""

import asyncio
from typing import Any

from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.config import settings
from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.backend.imports.factories import (
    drain_until_finished,
    hubspot_csv,
    hubspot_row,
    import_and_wait,
    imports_url,
    to_csv,
    upload,
)
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.factories import add_member, make_user

GENERIC_MAPPING = {
    "Opportunity": "title",
    "Value": "amount",
    "Cur": "currency",
    "Phase": "stage",
    "Expected close": "expected_close_date",
    "Buyer": "contact_name",
    "Buyer email": "contact_email",
    "Account": "company",
    "Rep": "owner_email",
    "Id": "external_id",
}


async def deals_by_external_id(client: AsyncClient, pipeline: Pipeline) -> dict[str, dict]:
    response = await client.get(
        pipeline.deals_url, params={"limit": 200}, headers=pipeline.owner.headers
    )
    assert response.status_code == 200, response.text
    return {d["external_id"]: d for d in response.json()["items"]}


async def test_a_hubspot_export_becomes_deals_with_stages_owners_and_contacts(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    rows = [
        hubspot_row(
            9001,
            **{
                "Deal Name": "Globex renewal",
                "Deal Stage": "proposal",
                "Amount": "48,000.00",
                "Deal owner": pipeline.owner.email,
                "Associated Contact": "Hank Scorpio (hank@globex.example)",
                "Associated Company": "Globex",
            },
        ),
        hubspot_row(9002, **{"Deal Stage": "Closed Won", "Close Date": "2025-12-15 00:00"}),
    ]

    finished = await import_and_wait(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv(rows)
    )

    assert finished["status"] == "succeeded", finished
    assert (finished["total_rows"], finished["processed_rows"]) == (2, 2)
    assert (finished["created_count"], finished["updated_count"], finished["errors"]) == (2, 0, [])
    deals = await deals_by_external_id(client, pipeline)
    globex = deals["9001"]
    assert (globex["title"], globex["amount"], globex["stage_name"]) == (
        "Globex renewal",
        "48000.00",
        "Proposal",
    )
    assert (globex["source"], globex["owner_id"]) == ("hubspot", str(pipeline.owner.id))
    assert (globex["contact_name"], globex["contact_email"], globex["company"]) == (
        "Hank Scorpio",
        "hank@globex.example",
        "Globex",
    )
    assert globex["created_at"].startswith("2025-11-02T09:30")
    won = deals["9002"]
    assert (won["stage_name"], won["closed_at"][:10]) == ("Won", "2025-12-15")


async def test_reimporting_the_same_file_updates_the_deals_instead_of_duplicating_them(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    content = hubspot_csv([hubspot_row(i) for i in range(1, 6)])
    await import_and_wait(client, pipeline.workspace_id, pipeline.owner, content)

    again = await import_and_wait(client, pipeline.workspace_id, pipeline.owner, content)

    assert again["status"] == "succeeded"
    assert (again["created_count"], again["updated_count"]) == (0, 5)
    assert sorted(await deals_by_external_id(client, pipeline)) == ["1", "2", "3", "4", "5"]


async def test_a_reimport_applies_what_changed_in_the_file(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    await import_and_wait(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(7)])
    )
    changed = hubspot_csv([hubspot_row(7, **{"Deal Stage": "Negotiation", "Amount": "999"})])

    await import_and_wait(client, pipeline.workspace_id, pipeline.owner, changed)

    deal = (await deals_by_external_id(client, pipeline))["7"]
    assert (deal["stage_name"], deal["amount"]) == ("Negotiation", "999.00")
    history = await client.get(
        f"{pipeline.deals_url}/{deal['id']}/history", headers=pipeline.owner.headers
    )
    moves = [
        (c["from_stage_name"], c["to_stage_name"], c["source"])
        for c in history.json()["stage_changes"]
    ]
    assert ("Qualified", "Negotiation", "import") in moves


async def test_bad_rows_are_reported_by_row_column_and_reason_and_the_rest_imports(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    rows = [
        hubspot_row(1),
        hubspot_row(2, Amount="12.5.0"),
        hubspot_row(3, **{"Deal Stage": "Signed"}),
        hubspot_row(4, **{"Close Date": "next week"}),
        hubspot_row(5, **{"Associated Contact": "Ann (ann@@example)"}),
        hubspot_row(6, **{"Deal owner": "ghost@example.com"}),
        hubspot_row(7),
    ]

    finished = await import_and_wait(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv(rows)
    )

    assert finished["status"] == "succeeded"
    assert (finished["created_count"], finished["failed_rows"]) == (2, 5)
    reported = [(e["row"], e["column"], e["reason"].split(" ")[:2]) for e in finished["errors"]]
    assert reported == [
        (3, "Amount", ["bad", "amount"]),
        (4, "Deal Stage", ["unknown", "stage"]),
        (5, "Close Date", ["bad", "date"]),
        (6, "Associated Contact", ["bad", "email:"]),
        (7, "Deal owner", ["unknown", "owner"]),
    ]
    assert sorted(await deals_by_external_id(client, pipeline)) == ["1", "7"]


async def test_a_generic_file_is_imported_through_its_column_mapping(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    content = to_csv(
        list(GENERIC_MAPPING),
        [
            {
                "Opportunity": "Initech seats",
                "Value": "5000",
                "Cur": "eur",
                "Phase": "Negotiation",
                "Expected close": "2026-05-01",
                "Buyer": "Bill Lumbergh",
                "Buyer email": "bill@initech.example",
                "Account": "Initech",
                "Rep": pipeline.owner.email,
                "Id": "crm-17",
            }
        ],
        delimiter=";",
    )

    finished = await import_and_wait(
        client,
        pipeline.workspace_id,
        pipeline.owner,
        content,
        layout="generic",
        mapping=GENERIC_MAPPING,
    )

    assert (finished["status"], finished["created_count"]) == ("succeeded", 1), finished
    deal = (await deals_by_external_id(client, pipeline))["crm-17"]
    assert (deal["title"], deal["amount"], deal["currency"], deal["stage_name"]) == (
        "Initech seats",
        "5000.00",
        "EUR",
        "Negotiation",
    )
    assert (deal["source"], deal["expected_close_date"], deal["owner_id"]) == (
        "import",
        "2026-05-01",
        str(pipeline.owner.id),
    )


async def test_generic_rows_without_an_id_are_matched_on_their_content(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    mapping = {"Name": "title", "Value": "amount"}
    first = to_csv(
        ["Name", "Value"], [{"Name": "Acme", "Value": "10"}, {"Name": "Umbra", "Value": "20"}]
    )
    await import_and_wait(
        client, pipeline.workspace_id, pipeline.owner, first, layout="generic", mapping=mapping
    )
    edited = to_csv(
        ["Name", "Value"], [{"Name": "Acme", "Value": "10"}, {"Name": "Umbra", "Value": "25"}]
    )

    again = await import_and_wait(
        client, pipeline.workspace_id, pipeline.owner, edited, layout="generic", mapping=mapping
    )

    assert (again["created_count"], again["updated_count"]) == (1, 1)
    deals = await deals_by_external_id(client, pipeline)
    assert sorted(d["amount"] for d in deals.values()) == ["10.00", "20.00", "25.00"]
    assert all(external_id.startswith("sha256:") for external_id in deals)


ROWS = 1_200


async def test_a_multi_batch_file_commits_in_batches_and_shows_its_progress(
    client: AsyncClient,
) -> None:
    # Three batches of 500: enough to see progress between commits.
    pipeline = await make_pipeline(client)
    content = hubspot_csv([hubspot_row(i) for i in range(1, ROWS + 1)])
    started = await upload(client, pipeline.workspace_id, pipeline.owner, content)
    assert started.status_code == 202, started.text
    url = f"{imports_url(pipeline.workspace_id)}/{started.json()['id']}"
    seen: list[int] = []

    worker = asyncio.create_task(run_queued_jobs())
    async with asyncio.timeout(900):
        while True:
            body = (await client.get(url, headers=pipeline.owner.headers)).json()
            seen.append(body["processed_rows"])
            if body["status"] in ("succeeded", "failed"):
                break
            await asyncio.sleep(0.25)
    await worker

    assert (body["status"], body["total_rows"], body["created_count"]) == ("succeeded", ROWS, ROWS)
    assert any(0 < processed < ROWS for processed in seen), seen
    assert seen == sorted(seen)
    listed = await client.get(
        pipeline.deals_url, params={"limit": 1}, headers=pipeline.owner.headers
    )
    assert listed.json()["total"] == ROWS


async def test_an_outsider_gets_404_on_every_import_route(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    started = await upload(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(1)])
    )
    outsider = await make_user(client)
    url = imports_url(pipeline.workspace_id)

    post = await upload(client, pipeline.workspace_id, outsider, hubspot_csv([hubspot_row(2)]))
    listed = await client.get(url, headers=outsider.headers)
    read = await client.get(f"{url}/{started.json()['id']}", headers=outsider.headers)

    assert [r.status_code for r in (post, listed, read)] == [404, 404, 404]


async def test_an_import_of_another_workspace_is_not_found(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    started = await upload(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(1)])
    )
    other = await make_pipeline(client, pipeline.owner)

    response = await client.get(
        f"{imports_url(other.workspace_id)}/{started.json()['id']}", headers=pipeline.owner.headers
    )

    assert response.status_code == 404


async def test_a_viewer_can_follow_imports_but_not_start_one(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    started = await upload(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(1)])
    )
    viewer = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, viewer, "viewer")
    url = imports_url(pipeline.workspace_id)

    post = await upload(client, pipeline.workspace_id, viewer, hubspot_csv([hubspot_row(2)]))
    read = await client.get(f"{url}/{started.json()['id']}", headers=viewer.headers)
    listed = await client.get(url, headers=viewer.headers)

    assert (post.status_code, read.status_code, listed.status_code) == (403, 200, 200)


async def test_a_member_may_import(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    member = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, member, "member")

    started = await upload(client, pipeline.workspace_id, member, hubspot_csv([hubspot_row(1)]))

    assert started.status_code == 202, started.text
    assert started.json()["created_by_id"] == str(member.id)
    assert (
        started.headers["location"]
        == f"{imports_url(pipeline.workspace_id)}/{started.json()['id']}"
    )


async def test_the_accepted_import_is_queued_with_a_job(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)

    started = await upload(
        client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(1)])
    )

    body = started.json()
    assert (body["status"], body["processed_rows"], body["filename"]) == ("queued", 0, "deals.csv")
    with sync_engine.connect() as conn:
        jobs = conn.execute(text("select task_name, status, args from procrastinate_jobs")).all()
    assert [(j.task_name, j.status, j.args["import_id"]) for j in jobs] == [
        ("imports.process_csv", "todo", body["id"])
    ]


async def test_a_file_that_does_not_fit_the_layout_is_refused_and_nothing_is_queued(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    content = to_csv(["Name", "Amount"], [{"Name": "Acme", "Amount": "1"}])

    response = await upload(client, pipeline.workspace_id, pipeline.owner, content)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_import_file"
    assert {d["column"] for d in error["details"]} == {"Record ID", "Deal Name"}
    with sync_engine.connect() as conn:
        imports = conn.scalar(text("select count(*) from csv_import"))
        jobs = conn.scalar(text("select count(*) from procrastinate_jobs"))
    assert (imports, jobs) == (0, 0)


async def test_the_generic_layout_needs_a_mapping_of_known_fields_and_columns(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    content = to_csv(["Name"], [{"Name": "Acme"}])

    async def refused(mapping: Any) -> dict:
        response = await client.post(
            imports_url(pipeline.workspace_id),
            files={"file": ("d.csv", content, "text/csv")},
            data={"layout": "generic", **({"mapping": mapping} if mapping is not None else {})},
            headers=pipeline.owner.headers,
        )
        assert response.status_code == 422, response.text
        return response.json()["error"]

    assert (await refused(None))["code"] == "invalid_mapping"
    assert (await refused("[1, 2]"))["code"] == "invalid_mapping"
    unknown = await refused('{"Name": "title", "Missing": "amount", "Name2": "colour"}')
    assert [d["column"] for d in unknown["details"]] == ["Missing", "Name2"]


async def test_an_unknown_layout_is_a_validation_error(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)

    response = await upload(
        client, pipeline.workspace_id, pipeline.owner, b"a\n1\n", layout="salesforce"
    )

    assert response.status_code == 422
    assert "body.layout" in [d["field"] for d in response.json()["error"]["details"]]


async def test_uploads_may_exceed_the_general_body_limit_up_to_the_import_limit(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    row = hubspot_row(1, **{"Deal Name": "x" * 200})
    big = hubspot_csv([row] * (2 * settings.max_body_bytes // len(hubspot_csv([row]))))
    assert settings.max_body_bytes < len(big) < settings.max_import_bytes

    accepted = await upload(client, pipeline.workspace_id, pipeline.owner, big)
    too_big = await upload(
        client, pipeline.workspace_id, pipeline.owner, b"x" * (settings.max_import_bytes + 1)
    )

    assert accepted.status_code == 202, accepted.text
    assert too_big.status_code == 413
    assert too_big.json()["error"]["details"] == {"max_bytes": settings.max_import_bytes}


async def test_imports_are_listed_newest_first_one_page_at_a_time(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    ids = []
    for i in range(3):
        started = await upload(
            client, pipeline.workspace_id, pipeline.owner, hubspot_csv([hubspot_row(i)])
        )
        ids.append(started.json()["id"])
    url = imports_url(pipeline.workspace_id)

    first = (await client.get(url, params={"limit": 2}, headers=pipeline.owner.headers)).json()
    second = (
        await client.get(
            url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=pipeline.owner.headers
        )
    ).json()

    assert [i["id"] for i in first["items"] + second["items"]] == ids[::-1]
    assert (first["total"], second["next_cursor"]) == (3, None)
    assert "errors" not in first["items"][0]


async def test_an_unknown_import_is_404_and_a_bad_cursor_400(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    url = imports_url(pipeline.workspace_id)

    missing = await client.get(
        f"{url}/00000000-0000-0000-0000-000000000000", headers=pipeline.owner.headers
    )
    bad_cursor = await client.get(url, params={"cursor": "nope"}, headers=pipeline.owner.headers)

    assert (missing.status_code, bad_cursor.status_code) == (404, 400)


async def test_failed_rows_beyond_the_error_cap_are_counted(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    rows = [hubspot_row(i, Amount="lots") for i in range(1, 1101)]

    started = await upload(client, pipeline.workspace_id, pipeline.owner, hubspot_csv(rows))
    finished = await drain_until_finished(
        client, pipeline.workspace_id, pipeline.owner, started.json()["id"]
    )

    assert (finished["status"], finished["failed_rows"]) == ("succeeded", 1100)
    assert len(finished["errors"]) == 1000
    assert finished["unlisted_failed_rows"] == 100
