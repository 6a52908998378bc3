"""Deal CSVs as a HubSpot export or a generic sheet, uploads, and a worker that drains the queue."""

import asyncio
import csv
import io
import json
from typing import Any

from httpx import AsyncClient, Response

from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.factories import Account

HUBSPOT_HEADERS = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Amount",
    "Close Date",
    "Deal owner",
    "Pipeline",
    "Create Date",
    "Associated Contact",
    "Associated Company",
]
FINISHED = ("succeeded", "failed")


def to_csv(headers: list[str], rows: list[dict[str, Any]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def hubspot_row(record_id: int, **cells: Any) -> dict[str, Any]:
    return {
        "Record ID": str(record_id),
        "Deal Name": f"Deal {record_id}",
        "Deal Stage": "Qualified",
        "Amount": "1200.50",
        "Close Date": "2026-03-31 00:00",
        "Pipeline": "Sales Pipeline",
        "Create Date": "2025-11-02 09:30",
        **cells,
    }


def hubspot_csv(rows: list[dict[str, Any]]) -> bytes:
    return to_csv(HUBSPOT_HEADERS, rows)


def imports_url(workspace_id: str) -> str:
    return f"/api/v1/workspaces/{workspace_id}/imports"


async def upload(
    client: AsyncClient,
    workspace_id: str,
    account: Account,
    content: bytes,
    *,
    layout: str = "hubspot",
    mapping: dict[str, str] | None = None,
    filename: str = "deals.csv",
) -> Response:
    data = {"layout": layout}
    if mapping is not None:
        data["mapping"] = json.dumps(mapping)
    return await client.post(
        imports_url(workspace_id),
        files={"file": (filename, content, "text/csv")},
        data=data,
        headers=account.headers,
    )


async def import_and_wait(
    client: AsyncClient, workspace_id: str, account: Account, content: bytes, **options: Any
) -> dict[str, Any]:
    """Upload, run the worker until the import finished, and return the finished import."""
    started = await upload(client, workspace_id, account, content, **options)
    assert started.status_code == 202, started.text
    return await drain_until_finished(client, workspace_id, account, started.json()["id"])


async def drain_until_finished(
    client: AsyncClient, workspace_id: str, account: Account, import_id: str, timeout: float = 60
) -> dict[str, Any]:
    """Run the worker (again, for retries waiting out their backoff) until the import ends."""
    url = f"{imports_url(workspace_id)}/{import_id}"
    async with asyncio.timeout(timeout):
        while True:
            await run_queued_jobs()
            body = (await client.get(url, headers=account.headers)).json()
            if body["status"] in FINISHED:
                return body
            await asyncio.sleep(0.2)
