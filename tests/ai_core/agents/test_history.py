"""The conversation as sent to Claude: starts with the user, alternates, nothing empty."""

from ai_core.agents.agent import normalise
from ai_core.agents.fallback import _intent, _name_candidates, _period


def test_history_drops_empty_turns_and_a_leading_answer() -> None:
    messages = [
        {"role": "assistant", "content": "an answer whose question fell out of the window"},
        {"role": "user", "content": "How is Acme?"},
        {"role": "assistant", "content": "  "},
        {"role": "user", "content": "And Globex?"},
    ]

    assert normalise(messages) == [{"role": "user", "content": "How is Acme?\n\nAnd Globex?"}]


def test_history_keeps_an_alternating_conversation_as_is() -> None:
    messages = [
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": "b"},
        {"role": "user", "content": "c"},
    ]

    assert normalise(messages) == messages


def test_common_questions_are_recognised() -> None:
    assert _intent("Which deals are at risk of slipping?") == "at_risk"
    assert _intent("forecast for next quarter") == "forecast"
    assert _period("forecast for next quarter") == "next_quarter"
    assert _period("what will we close next month") == "next_month"
    assert _period("forecast") == "this_quarter"
    assert _intent("Tell me about Acme") is None


def test_deal_names_are_looked_up_quoted_first_then_without_filler_words() -> None:
    assert _name_candidates('What\'s the status of "Acme Renewal 2027"?') == [
        "Acme Renewal 2027",
        "Renewal",
        "2027",
        "Acme",
    ]
    assert _name_candidates("How is Initech's expansion going?") == [
        "Initech expansion",
        "expansion",
        "Initech",
    ]
