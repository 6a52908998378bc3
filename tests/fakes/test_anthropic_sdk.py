"""The real `anthropic` SDK against the fake: replies, streams, retries and errors parse as real."""

import anthropic
import pytest
from anthropic.types import MessageParam, TextBlock, ToolParam, ToolUseBlock

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.anthropic_wire import (
    ToolUse,
    assistant,
    delayed,
    overloaded,
    rate_limited,
    server_error,
    structured,
    text,
    tool_use,
)

MODEL = "claude-sonnet-4-6"
WEATHER_TOOL: ToolParam = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "input_schema": {
        "type": "object",
        "properties": {"location": {"type": "string"}, "units": {"enum": ["c", "f"]}},
        "required": ["location"],
    },
}
QUESTION: list[MessageParam] = [{"role": "user", "content": "What is the weather in Paris?"}]


def client(fake: FakeAnthropic, *, max_retries: int = 0) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=fake.base_url, api_key="test", max_retries=max_retries)


async def test_a_text_reply_parses_as_a_message(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(text("It is sunny in Paris."))

    reply = await client(fake_anthropic).messages.create(
        model=MODEL, max_tokens=100, messages=QUESTION
    )

    assert reply.type == "message" and reply.role == "assistant"
    assert reply.id.startswith("msg_")
    assert reply.content == [TextBlock(type="text", text="It is sunny in Paris.")]
    assert reply.stop_reason == "end_turn" and reply.stop_sequence is None
    assert reply.usage.input_tokens == fake_anthropic.requests[0].input_tokens
    assert reply.usage.output_tokens > 0


async def test_a_tool_use_reply_carries_its_preamble_and_input(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(tool_use("get_weather", {"location": "Paris"}, text="Let me check."))

    reply = await client(fake_anthropic).messages.create(
        model=MODEL, max_tokens=100, messages=QUESTION, tools=[WEATHER_TOOL]
    )

    preamble, call = reply.content
    assert isinstance(preamble, TextBlock) and preamble.text == "Let me check."
    assert isinstance(call, ToolUseBlock)
    assert call.name == "get_weather" and call.input == {"location": "Paris"}
    assert call.id.startswith("toolu_")
    assert reply.stop_reason == "tool_use"


async def test_streamed_text_arrives_in_several_deltas(fake_anthropic: FakeAnthropic) -> None:
    answer = "It is sunny in Paris with a light breeze from the west."
    fake_anthropic.script(text(answer))

    async with client(fake_anthropic).messages.stream(
        model=MODEL, max_tokens=100, messages=QUESTION
    ) as stream:
        deltas = [delta async for delta in stream.text_stream]
        final = await stream.get_final_message()

    assert len(deltas) > 2
    assert "".join(deltas) == answer
    assert [(block.type, getattr(block, "text", None)) for block in final.content] == [
        ("text", answer)
    ]
    assert final.usage.input_tokens == fake_anthropic.requests[0].input_tokens
    assert final.usage.output_tokens > 1


async def test_streamed_tool_input_is_assembled_from_partial_json(
    fake_anthropic: FakeAnthropic,
) -> None:
    arguments = {"location": "Paris, France", "units": "c"}
    fake_anthropic.script(tool_use("get_weather", arguments, text="Checking."))

    async with client(fake_anthropic).messages.stream(
        model=MODEL, max_tokens=100, messages=QUESTION, tools=[WEATHER_TOOL]
    ) as stream:
        partials = [event.partial_json async for event in stream if event.type == "input_json"]
        final = await stream.get_final_message()

    assert len(partials) > 2
    call = final.content[1]
    assert isinstance(call, ToolUseBlock) and call.input == arguments
    assert final.stop_reason == "tool_use"


async def test_parallel_tool_calls_stream_as_separate_blocks(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(
        assistant(
            "Checking both cities.",
            ToolUse("get_weather", {"location": "Paris"}),
            ToolUse("get_weather", {"location": "Rome"}),
        )
    )

    async with client(fake_anthropic).messages.stream(
        model=MODEL, max_tokens=100, messages=QUESTION, tools=[WEATHER_TOOL]
    ) as stream:
        final = await stream.get_final_message()

    calls = [block for block in final.content if isinstance(block, ToolUseBlock)]
    assert [call.input for call in calls] == [{"location": "Paris"}, {"location": "Rome"}]
    assert calls[0].id != calls[1].id


async def test_a_429_is_retried_by_the_sdk(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(rate_limited(), text("Sunny."))

    reply = await client(fake_anthropic, max_retries=1).messages.create(
        model=MODEL, max_tokens=100, messages=QUESTION
    )

    assert reply.content == [TextBlock(type="text", text="Sunny.")]
    first, retry = fake_anthropic.requests
    assert (first.status, retry.status) == (429, 200)
    assert retry.headers["x-stainless-retry-count"] == "1"


async def test_a_429_beyond_the_retries_raises_rate_limit_error(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(rate_limited(), rate_limited())

    with pytest.raises(anthropic.RateLimitError) as raised:
        await client(fake_anthropic, max_retries=1).messages.create(
            model=MODEL, max_tokens=100, messages=QUESTION
        )

    assert isinstance(raised.value.body, dict)
    assert raised.value.body["type"] == "error"
    assert raised.value.body["error"]["type"] == "rate_limit_error"
    assert raised.value.response.headers["retry-after"] == "1"


async def test_a_500_surfaces_as_internal_server_error(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(server_error())

    with pytest.raises(anthropic.InternalServerError) as raised:
        await client(fake_anthropic).messages.create(model=MODEL, max_tokens=100, messages=QUESTION)

    assert raised.value.status_code == 500
    assert raised.value.request_id is not None and raised.value.request_id.startswith("req_")


async def test_a_529_surfaces_as_overloaded(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(overloaded())

    with pytest.raises(anthropic.OverloadedError):
        await client(fake_anthropic).messages.create(model=MODEL, max_tokens=100, messages=QUESTION)


async def test_an_error_event_mid_stream_raises(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(overloaded(mid_stream=True))

    with pytest.raises(anthropic.APIStatusError, match="Overloaded"):
        async with client(fake_anthropic).messages.stream(
            model=MODEL, max_tokens=100, messages=QUESTION
        ) as stream:
            await stream.get_final_message()


async def test_a_slow_reply_times_the_sdk_out(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(delayed(text("Too late."), seconds=1))
    slow_client = anthropic.AsyncAnthropic(
        base_url=fake_anthropic.base_url, api_key="test", max_retries=0, timeout=0.2
    )

    with pytest.raises(anthropic.APITimeoutError):
        await slow_client.messages.create(model=MODEL, max_tokens=100, messages=QUESTION)


async def test_a_structured_reply_calls_the_forced_tool(fake_anthropic: FakeAnthropic) -> None:
    fake_anthropic.script(structured({"location": "Paris"}))

    reply = await client(fake_anthropic).messages.create(
        model=MODEL,
        max_tokens=100,
        messages=QUESTION,
        tools=[WEATHER_TOOL],
        tool_choice={"type": "tool", "name": "get_weather"},
    )

    (call,) = reply.content
    assert isinstance(call, ToolUseBlock)
    assert (call.name, call.input) == ("get_weather", {"location": "Paris"})


async def test_without_a_scripted_reply_the_request_fails_loudly(
    fake_anthropic: FakeAnthropic,
) -> None:
    with pytest.raises(anthropic.BadRequestError, match="no scripted reply left"):
        await client(fake_anthropic, max_retries=2).messages.create(
            model=MODEL, max_tokens=100, messages=QUESTION
        )

    assert len(fake_anthropic.requests) == 1


async def test_count_tokens_matches_the_usage_of_the_same_prompt(
    fake_anthropic: FakeAnthropic,
) -> None:
    fake_anthropic.script(text("Sunny."))
    sdk = client(fake_anthropic)

    counted = await sdk.messages.count_tokens(model=MODEL, messages=QUESTION)
    reply = await sdk.messages.create(model=MODEL, max_tokens=100, messages=QUESTION)

    assert counted.input_tokens == reply.usage.input_tokens
