"""The Notion client against the fake: headers, errors by kind, bounded retries."""

import pytest

from backend.notion.client import (
    NotionNotFound,
    NotionUnauthorized,
    NotionUnavailable,
    notion_client,
)
from tests.fakes import notion_objects as n
from tests.fakes.notion_api import TOKEN, FakeNotion


async def test_it_reads_the_recorded_page_fixture_as_notion_sends_it(
    fake_notion: FakeNotion,
) -> None:
    fixture = n.fixture_page()

    async with notion_client(TOKEN) as notion:
        page = await notion.page(fixture["id"].replace("-", ""))

    assert page["properties"] == fixture["properties"]
    assert fake_notion.requests[-1].headers["notion-version"] == "2022-06-28"


async def test_errors_come_by_kind_without_retrying(fake_notion: FakeNotion) -> None:
    async with notion_client(TOKEN) as notion:
        with pytest.raises(NotionNotFound):
            await notion.page(n.new_id())
    async with notion_client("ntn_wrong") as notion:
        with pytest.raises(NotionUnauthorized):
            await notion.me()

    assert [r.status for r in fake_notion.requests] == [404, 401]


async def test_failures_are_retried_a_bounded_number_of_times(
    fake_notion: FakeNotion, sleeps: list[float]
) -> None:
    fake_notion.fail_next(502, times=10)

    async with notion_client(TOKEN, max_attempts=4) as notion:
        with pytest.raises(NotionUnavailable):
            await notion.me()

    assert len(fake_notion.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]


async def test_retry_after_is_honoured_up_to_a_cap(
    fake_notion: FakeNotion, sleeps: list[float]
) -> None:
    fake_notion.fail_next(429, retry_after="2")
    fake_notion.fail_next(429, retry_after="3600")

    async with notion_client(TOKEN, max_wait_seconds=30) as notion:
        bot = await notion.me()

    assert bot["type"] == "bot"
    assert sleeps == [2.0, 30.0]
