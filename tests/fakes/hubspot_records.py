"""The records the fake HubSpot API serves: real fixture records in the v3 wire shape.

Pipelines and deals come verbatim from ../shared/data/hubspot-api (a real sandbox portal,
via Airbyte's connector tests), converted the way HubSpot's v3 API sends them: `id` for
stages, every property a string, dates as ISO 8601 with milliseconds and `Z`. HubSpot's
fixtures hold no owners or engagements, so those are built here in the SDK models' shape.
"""

import json
from datetime import UTC, datetime
from typing import Any

from tests.shared_data import SHARED_DATA

DATA_DIR = SHARED_DATA / "hubspot-api"
PORTAL_ID = 8727216  # the sandbox portal the fixture records come from
OWNER_ID = "52550153"  # the owner of every fixture deal
JSON = dict[str, Any]


def iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _iso_from_ms(ms: int | None) -> str:
    return iso(datetime.fromtimestamp((ms or 0) / 1000, tz=UTC))


def _wire_value(value: Any) -> str | None:
    """A property value as the v3 API sends it: a string (or null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return str(value)


def pipelines() -> list[JSON]:
    """The two real pipelines (stages unsorted, string metadata, custom closed stages)."""
    lines = (DATA_DIR / "airbyte_sandbox_deal_pipelines.jsonl").read_text().splitlines()
    result = []
    for line in lines:
        data = json.loads(line)["data"]
        result.append(
            {
                "id": data["pipelineId"],
                "label": data["label"],
                "displayOrder": data["displayOrder"],
                "archived": not data["active"],
                "createdAt": _iso_from_ms(data["createdAt"]),
                "updatedAt": _iso_from_ms(data["updatedAt"]),
                "stages": [
                    {
                        "id": stage["stageId"],
                        "label": stage["label"],
                        "displayOrder": stage["displayOrder"],
                        "metadata": stage["metadata"],
                        "archived": not stage["active"],
                        "createdAt": _iso_from_ms(stage["createdAt"]),
                        "updatedAt": _iso_from_ms(stage["updatedAt"]),
                        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                    }
                    for stage in data["stages"]
                ],
            }
        )
    return result


def deals() -> list[JSON]:
    """The four real deals; two are archived (deleted in HubSpot)."""
    excerpt = json.loads((DATA_DIR / "airbyte_sandbox_deals_stage_fields_excerpt.json").read_text())
    result = []
    for record in excerpt["records"]:
        properties = {k: _wire_value(v) for k, v in record["properties"].items()}
        properties["hs_object_id"] = record["id"]
        properties["hs_lastmodifieddate"] = record["updatedAt"]
        deal = {
            "id": record["id"],
            "properties": properties,
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "archived": record["archived"],
        }
        if record.get("archivedAt"):
            deal["archivedAt"] = record["archivedAt"]
        result.append(deal)
    return result


def deal(deal_id: str, name: str, stage: str, *, amount: str = "1000", modified: str) -> JSON:
    """A made-up deal in the same shape, for paging and incremental tests."""
    return {
        "id": deal_id,
        "properties": {
            "dealname": name,
            "amount": amount,
            "dealstage": stage,
            "pipeline": "default",
            "closedate": "2026-12-31T00:00:00.000Z",
            "createdate": "2026-01-05T10:00:00.000Z",
            "hubspot_owner_id": OWNER_ID,
            "hs_lastmodifieddate": modified,
            "hs_object_id": deal_id,
        },
        "createdAt": "2026-01-05T10:00:00.000Z",
        "updatedAt": modified,
        "archived": False,
    }


def owner(owner_id: str, email: str, first: str = "Sam", last: str = "Seller") -> JSON:
    return {
        "id": owner_id,
        "email": email,
        "type": "PERSON",
        "firstName": first,
        "lastName": last,
        "userId": int(owner_id) % 10_000_000,
        "userIdIncludingInactive": int(owner_id) % 10_000_000,
        "createdAt": "2021-01-14T14:52:53.954Z",
        "updatedAt": "2023-04-04T21:28:37.824Z",
        "archived": False,
    }


def engagement(object_type: str, engagement_id: str, properties: JSON, deal_ids: list[str]) -> JSON:
    """An engagement object; its deal associations as `GET ...?associations=deals` shows them."""
    singular = object_type.rstrip("s")
    return {
        "id": engagement_id,
        "properties": {"hs_object_id": engagement_id, **properties},
        "createdAt": properties.get("hs_timestamp", "2023-03-01T10:00:00.000Z"),
        "updatedAt": properties.get("hs_lastmodifieddate", "2023-03-01T10:00:00.000Z"),
        "archived": False,
        "deal_ids": deal_ids,  # stripped before serving; rendered as `associations`
        "association_type": f"{singular}_to_deal",
    }


def engagements() -> dict[str, list[JSON]]:
    """One of each kind on the first live fixture deal, and two that land on no deal of ours."""
    deal_id, archived_deal = "4280411910", "4307833946"
    stamp = {"hs_lastmodifieddate": "2023-03-02T09:00:00.000Z", "hubspot_owner_id": OWNER_ID}
    return {
        "calls": [
            engagement(
                "calls",
                "30001",
                {
                    **stamp,
                    "hs_timestamp": "2023-03-01T15:00:00.000Z",
                    "hs_call_title": "Discovery call",
                    "hs_call_body": "<p>Talked budget &amp; timeline</p>",
                    "hs_call_status": "COMPLETED",
                    "hs_call_duration": "1800000",
                    "hs_call_direction": "OUTBOUND",
                },
                [deal_id],
            ),
            engagement("calls", "30002", {**stamp, "hs_timestamp": "2023-03-01T16:00:00.000Z"}, []),
        ],
        "meetings": [
            engagement(
                "meetings",
                "40001",
                {
                    **stamp,
                    "hs_timestamp": "2023-03-03T14:00:00.000Z",
                    "hs_meeting_title": "Demo",
                    "hs_meeting_body": "Product demo for the buying group",
                    "hs_meeting_start_time": "2023-03-03T14:00:00.000Z",
                    "hs_meeting_end_time": "2023-03-03T15:00:00.000Z",
                    "hs_meeting_outcome": "COMPLETED",
                },
                [deal_id],
            )
        ],
        "notes": [
            engagement(
                "notes",
                "50001",
                {
                    **stamp,
                    "hs_timestamp": "2023-03-04T09:30:00.000Z",
                    "hs_note_body": "<div>Champion is the VP Sales</div><div>Next: pricing</div>",
                },
                [deal_id],
            ),
            engagement(
                "notes",
                "50002",
                {**stamp, "hs_timestamp": "2023-03-04T10:00:00.000Z", "hs_note_body": "old"},
                [archived_deal],
            ),
        ],
        "emails": [
            engagement(
                "emails",
                "60001",
                {
                    **stamp,
                    "hs_timestamp": "2023-03-05T08:00:00.000Z",
                    "hs_email_subject": "Proposal attached",
                    "hs_email_text": "Please find the proposal attached.",
                    "hs_email_direction": "EMAIL",
                },
                [deal_id],
            )
        ],
        "tasks": [
            engagement(
                "tasks",
                "70001",
                {
                    **stamp,
                    "hs_timestamp": "2023-03-06T17:00:00.000Z",
                    "hs_task_subject": "Send contract",
                    "hs_task_body": "Legal review first",
                    "hs_task_status": "COMPLETED",
                    "hs_task_priority": "HIGH",
                    "hs_task_completion_date": "2023-03-06T16:00:00.000Z",
                },
                [deal_id],
            )
        ],
    }
