"""The fake streams what the real API streams: the SDK's recorded transcripts, event by event."""

import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.anthropic_wire import JSON, Reply, text, tool_use

FIXTURES = Path(__file__).parent / "anthropic_fixtures"
HEADERS = {"x-api-key": "test", "anthropic-version": "2023-06-01"}
Event = tuple[str, JSON]


def parse_sse(payload: str) -> list[Event]:
    events = []
    for frame in payload.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.strip().splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def streamed(fake: FakeAnthropic, reply: Reply) -> list[Event]:
    fake.script(reply)
    body = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
    }
    response = httpx.post(f"{fake.base_url}/v1/messages", json=body, headers=HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return parse_sse(response.text)


def shape(events: list[Event]) -> list[str]:
    """Event names with runs of deltas collapsed: chunk counts are the model's, not the format's."""
    return [name for name, _ in itertools.groupby(name for name, _ in events)]


def key_paths(value: Any, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return set()
    paths = set()
    for key, inner in value.items():
        path = f"{prefix}{key}"
        paths |= {path} | key_paths(inner, f"{path}.")
    return paths


def first_of_each(events: list[Event]) -> dict[tuple[str, str], JSON]:
    """One example per (event, block or delta type)."""
    examples: dict[tuple[str, str], JSON] = {}
    for name, data in events:
        kind = (data.get("content_block") or data.get("delta") or {}).get("type", "")
        examples.setdefault((name, kind), data)
    return examples


CASES = [
    pytest.param("sse_basic_text_response.txt", text("Hello there, friend!"), id="text"),
    pytest.param(
        "sse_tool_use_response.txt",
        tool_use("get_weather", {"location": "Paris"}, text="I'll check the weather in Paris."),
        id="tool_use",
    ),
]


@pytest.mark.parametrize(("fixture", "reply"), CASES)
def test_events_come_in_the_recorded_order(
    fake_anthropic: FakeAnthropic, fixture: str, reply: Reply
) -> None:
    recorded = parse_sse((FIXTURES / fixture).read_text())

    assert shape(streamed(fake_anthropic, reply)) == shape(recorded)


@pytest.mark.parametrize(("fixture", "reply"), CASES)
def test_events_carry_the_recorded_json_keys(
    fake_anthropic: FakeAnthropic, fixture: str, reply: Reply
) -> None:
    recorded = first_of_each(parse_sse((FIXTURES / fixture).read_text()))
    ours = first_of_each(streamed(fake_anthropic, reply))

    assert ours.keys() == recorded.keys()
    for kind, example in recorded.items():
        missing = key_paths(example) - key_paths(ours[kind])
        assert not missing, f"{kind} lacks {missing}"
        if kind[0].startswith("content_block"):
            assert key_paths(ours[kind]) == key_paths(example)


def test_tool_input_streams_as_partial_json_starting_empty(fake_anthropic: FakeAnthropic) -> None:
    arguments = {"location": "Paris, France", "units": "c"}

    events = streamed(fake_anthropic, tool_use("get_weather", arguments))

    partials = [d["delta"]["partial_json"] for n, d in events if n == "content_block_delta"]
    assert partials[0] == "" and len(partials) > 2
    assert json.loads("".join(partials)) == arguments


def test_usage_reports_input_at_start_and_cumulative_totals_at_the_end(
    fake_anthropic: FakeAnthropic,
) -> None:
    events = dict(streamed(fake_anthropic, text("Sunny and warm all afternoon.")))

    start = events["message_start"]["message"]["usage"]
    end = events["message_delta"]["usage"]
    assert start["output_tokens"] == 1
    assert end["input_tokens"] == start["input_tokens"] == fake_anthropic.requests[0].input_tokens
    assert end["output_tokens"] > 1
    assert events["message_delta"]["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
