"""The fake's contract: request checks like the real API, the script, the responder, the record."""

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.fakes.anthropic_server import (
    FakeAnthropic,
    last_user_text,
    tool_result_text,
    tool_results,
)
from tests.fakes.anthropic_wire import JSON, estimate_input_tokens, structured, text, tool_use

HEADERS = {"x-api-key": "test", "anthropic-version": "2023-06-01"}
QUESTION = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 100,
    "messages": [{"role": "user", "content": "Which deals are at risk?"}],
}
TOOL_CALL = {"type": "tool_use", "id": "toolu_1", "name": "at_risk_deals", "input": {}}
TOOL_RESULT = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Acme renewal"}


def post(fake: FakeAnthropic, body: Any, headers: dict[str, str] = HEADERS) -> httpx.Response:
    return httpx.post(f"{fake.base_url}/v1/messages", json=body, headers=headers)


def with_messages(*messages: JSON) -> JSON:
    return {**QUESTION, "messages": list(messages)}


BAD_REQUESTS = [
    pytest.param(QUESTION, {"anthropic-version": "2023-06-01"}, 401, "x-api-key", id="no-key"),
    pytest.param(QUESTION, {"x-api-key": "test"}, 400, "anthropic-version", id="no-version"),
    pytest.param({**QUESTION, "max_tokens": None}, HEADERS, 400, "max_tokens", id="null-max"),
    pytest.param(
        {k: QUESTION[k] for k in ("model", "messages")}, HEADERS, 400, "max_tokens", id="no-max"
    ),
    pytest.param(
        {k: QUESTION[k] for k in ("max_tokens", "messages")}, HEADERS, 400, "model", id="no-model"
    ),
    pytest.param(with_messages(), HEADERS, 400, "at least one message", id="no-messages"),
    pytest.param(
        with_messages({"role": "user", "content": "a"}, {"role": "user", "content": "b"}),
        HEADERS,
        400,
        "roles must alternate",
        id="user-twice",
    ),
    pytest.param(
        with_messages({"role": "system", "content": "a"}), HEADERS, 400, "role", id="bad-role"
    ),
    pytest.param(
        with_messages({"role": "user", "content": [TOOL_RESULT]}),
        HEADERS,
        400,
        "unexpected `tool_use_id`",
        id="orphan-tool-result",
    ),
    pytest.param(
        with_messages(
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": [TOOL_CALL]},
            {"role": "user", "content": "b"},
        ),
        HEADERS,
        400,
        "without `tool_result`",
        id="unanswered-tool-use",
    ),
    pytest.param(
        {**QUESTION, "tools": [], "tool_choice": {"type": "tool", "name": "missing"}},
        HEADERS,
        400,
        "tool_choice",
        id="forced-unknown-tool",
    ),
]


@pytest.mark.parametrize(("body", "headers", "status", "mentions"), BAD_REQUESTS)
def test_bad_requests_get_the_real_error_shape(
    fake_anthropic: FakeAnthropic, body: JSON, headers: dict[str, str], status: int, mentions: str
) -> None:
    fake_anthropic.script(text("never sent"))

    response = post(fake_anthropic, body, headers)

    assert response.status_code == status
    payload = response.json()
    expected_type = "authentication_error" if status == 401 else "invalid_request_error"
    assert payload["type"] == "error"
    assert payload["error"]["type"] == expected_type
    assert mentions in payload["error"]["message"]
    assert response.headers["request-id"] == payload["request_id"]
    assert fake_anthropic.pending == 1


def test_a_tool_round_trip_is_accepted(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(text("Acme is at risk."))
    body = with_messages(
        {"role": "user", "content": "Which deals are at risk?"},
        {"role": "assistant", "content": [TOOL_CALL]},
        {"role": "user", "content": [TOOL_RESULT]},
    )

    assert post(fake_anthropic, body).status_code == 200


def test_a_wrong_key_is_refused_when_the_fake_expects_one() -> None:
    with FakeAnthropic(api_key="sk-right") as fake:
        fake.script(text("hi"))
        wrong = post(fake, QUESTION, {**HEADERS, "x-api-key": "sk-wrong"})
        right = post(fake, QUESTION, {**HEADERS, "x-api-key": "sk-right"})

    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "invalid x-api-key"
    assert right.status_code == 200


def test_every_request_is_recorded_with_its_body_and_status() -> None:
    # Its own server: the shared one may still hear late calls from other tests' services.
    with FakeAnthropic() as fake:
        fake.script(text("Acme."))
        post(fake, QUESTION, {"anthropic-version": "2023-06-01"})
        post(fake, QUESTION)

    rejected, answered = fake.requests
    assert (rejected.status, answered.status) == (401, 200)
    assert answered.body == QUESTION
    assert "Which deals are at risk?" in answered.raw
    assert fake.bodies == [QUESTION]


def test_scripted_replies_are_served_in_order(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(text("first"), text("second"))

    answers = [post(fake_anthropic, QUESTION).json()["content"][0]["text"] for _ in range(2)]

    assert answers == ["first", "second"]
    assert fake_anthropic.pending == 0


def test_the_responder_answers_once_the_script_is_spent(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(text("scripted"))
    fake_anthropic.responder = lambda body: f"echo: {last_user_text(body)}"

    answers = [post(fake_anthropic, QUESTION).json()["content"][0]["text"] for _ in range(2)]

    assert answers == ["scripted", "echo: Which deals are at risk?"]


def test_the_responder_can_read_tool_results(fake_anthropic: FakeAnthropic) -> None:
    def answer(body: JSON) -> Any:
        results = tool_results(body)
        if not results:
            return tool_use("at_risk_deals", {}, id="toolu_1")
        return text(f"At risk: {tool_result_text(results[0])}")

    fake_anthropic.responder = answer
    body = with_messages(
        {"role": "user", "content": "Which deals are at risk?"},
        {"role": "assistant", "content": [TOOL_CALL]},
        {"role": "user", "content": [TOOL_RESULT]},
    )

    first = post(fake_anthropic, QUESTION).json()
    second = post(fake_anthropic, body).json()

    assert first["content"][0]["name"] == "at_risk_deals"
    assert second["content"][0]["text"] == "At risk: Acme renewal"


def test_a_failing_responder_answers_400_with_its_traceback(
    fake_anthropic: FakeAnthropic,
) -> None:
    def broken(body: JSON) -> Any:
        raise KeyError("no such deal")

    fake_anthropic.responder = broken

    response = post(fake_anthropic, QUESTION)

    assert response.status_code == 400
    assert "no such deal" in response.json()["error"]["message"]


def test_a_structured_reply_needs_a_forced_tool(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(structured({"summary": "fine"}))

    response = post(fake_anthropic, QUESTION)

    assert response.status_code == 400
    assert "forced no tool" in response.json()["error"]["message"]


def test_input_tokens_grow_with_the_prompt_and_are_deterministic(
    fake_anthropic: FakeAnthropic,
) -> None:
    longer = with_messages({"role": "user", "content": "Which deals are at risk? " * 50})
    fake_anthropic.script(text("a"), text("b"), text("c"))

    usages = [post(fake_anthropic, body).json()["usage"] for body in (QUESTION, QUESTION, longer)]

    short, again, long = (usage["input_tokens"] for usage in usages)
    assert short == again == estimate_input_tokens(QUESTION)
    assert long > 10 * short


def test_unknown_paths_answer_not_found(fake_anthropic: FakeAnthropic) -> None:
    response = httpx.get(f"{fake_anthropic.base_url}/v1/models/unknown", headers=HEADERS)

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_a_subprocess_reaches_the_fake_through_its_base_url(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(text("from the fake"))
    # The stdlib keeps the child fast; the SDK over the same URL is what the AI core runs.
    program = (
        "import json, os, urllib.request\n"
        "request = urllib.request.Request(os.environ['ANTHROPIC_BASE_URL'] + '/v1/messages',\n"
        "    data=json.dumps(json.loads(os.environ['BODY'])).encode(), headers=json.loads(\n"
        "    os.environ['HEADERS']) | {'content-type': 'application/json'})\n"
        "print(json.load(urllib.request.urlopen(request))['content'][0]['text'])\n"
    )
    env = {
        **os.environ,
        "ANTHROPIC_BASE_URL": fake_anthropic.base_url,
        "BODY": json.dumps(QUESTION),
        "HEADERS": json.dumps(HEADERS),
    }

    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from the fake"
