"""HubSpot's values as ours: stage kinds and probabilities, dates, engagement text."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.hubspot import mapping
from backend.models import StageKind


@pytest.mark.parametrize(
    ("label", "metadata", "expected"),
    [
        ("Qualified", {"isClosed": "false", "probability": "0.4"}, (StageKind.open, "40.00")),
        ("Closed Won", {"isClosed": "true", "probability": "1.0"}, (StageKind.won, "100.00")),
        ("Closed Lost", {"isClosed": "true", "probability": "0.0"}, (StageKind.lost, "0.00")),
        # Real portal: a custom lost stage left open with probability "0.1".
        ("Closed Lost", {"isClosed": "false", "probability": "0.1"}, (StageKind.lost, "0.00")),
        ("Parked", {"isClosed": True, "probability": "0.5"}, (StageKind.lost, "0.00")),
        ("No metadata", {}, (StageKind.open, "0.00")),
    ],
)
def test_stage_kind_and_probability_come_from_string_metadata(
    label: str, metadata: dict, expected: tuple[StageKind, str]
) -> None:
    kind, probability = mapping.stage_kind({"label": label, "metadata": metadata})

    assert (kind, probability) == (expected[0], Decimal(expected[1]))


def test_the_legacy_pipeline_shape_maps_like_v3() -> None:
    v1 = {
        "pipelineId": "p1",
        "label": "Sales",
        "displayOrder": 0,
        "active": True,
        "stages": [
            {"stageId": "b", "label": "Second", "displayOrder": 1, "active": True},
            {"stageId": "a", "label": "First", "displayOrder": 0, "active": True},
            {"stageId": "z", "label": "Gone", "displayOrder": 2, "active": False},
        ],
    }

    assert [(s.external_id, s.name, s.position) for s in mapping.stages([v1])] == [
        ("a", "First", 0),
        ("b", "Second", 1),
    ]


@pytest.mark.parametrize(
    "value",
    ["1700000000000", "2023-11-14T22:13:20.000Z", "2023-11-14T22:13:20+00:00"],
)
def test_dates_come_as_epoch_milliseconds_or_iso(value: str) -> None:
    assert mapping.instant(value) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_unreadable_values_are_none_not_errors() -> None:
    assert (mapping.instant("next week"), mapping.decimal_or_none("12k")) == (None, None)


def test_a_note_without_subject_is_titled_by_its_first_line_without_html() -> None:
    values = mapping.activity_values(
        "notes",
        {
            "id": "1",
            "properties": {"hs_note_body": "<p>Call back&nbsp;Friday</p><p>re: pricing</p>"},
        },
    )

    assert (values["subject"], values["body"]) == (
        "Call back\xa0Friday",
        "Call back\xa0Friday\nre: pricing",
    )


def test_an_open_task_is_scheduled_not_completed() -> None:
    values = mapping.activity_values(
        "tasks",
        {
            "id": "9",
            "properties": {"hs_timestamp": "2030-01-01T09:00:00Z", "hs_task_status": "NOT_STARTED"},
        },
    )

    assert values["completed_at"] is None
    assert values["scheduled_at"] == values["occurred_at"] == datetime(2030, 1, 1, 9, tzinfo=UTC)
