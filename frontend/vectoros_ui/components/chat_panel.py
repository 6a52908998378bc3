"""The assistant, one click away on every signed-in page: a side panel with streamed answers."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.feedback import error_callout
from vectoros_ui.states.chat import ChatMessage, ChatState

State = ChatState
PANEL_WIDTH = "26rem"
SUGGESTIONS = ["Which deals are at risk?", "What is the forecast this quarter?"]


def chat_button() -> rx.Component:
    """Opens and closes the panel; fixed in the corner so every page has it."""
    return rx.tooltip(
        rx.icon_button(
            rx.cond(State.panel_open, rx.icon("x", size=20), rx.icon("message_circle", size=20)),
            size="4",
            radius="full",
            on_click=State.toggle,
            aria_label="Ask the assistant",
            position="fixed",
            bottom="1.5rem",
            right="1.5rem",
            z_index="30",
            box_shadow="var(--shadow-4)",
            data_testid="chat-toggle",
        ),
        content="Ask the assistant",
    )


def _tool(line: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.icon("wrench", size=12),
        rx.text(line, size="1"),
        spacing="1",
        align="center",
        color=rx.color("gray", 10),
        data_testid="chat-tool",
    )


def _assistant(message: ObjectVar[ChatMessage]) -> rx.Component:
    return rx.vstack(
        rx.foreach(message.tools, _tool),
        rx.cond(
            message.text != "",
            rx.box(
                rx.html(message.html),
                font_size="var(--font-size-2)",
                line_height="1.5",
                width="100%",
                data_testid="chat-answer",
            ),
            rx.cond(message.pending, rx.spinner(size="2")),
        ),
        rx.cond(
            ~message.used_ai & ~message.pending,
            rx.badge(
                "Runs without AI: answered from your data by rules",
                variant="soft",
                color_scheme="gray",
                data_testid="chat-without-ai",
            ),
        ),
        spacing="2",
        align="start",
        width="100%",
        padding="0.75rem",
        border_radius="var(--radius-3)",
        background_color=rx.color("gray", 2),
        data_testid="chat-assistant-message",
    )


def _user(message: ObjectVar[ChatMessage]) -> rx.Component:
    return rx.box(
        rx.text(message.text, size="2", white_space="pre-wrap"),
        align_self="end",
        max_width="85%",
        padding="0.5rem 0.75rem",
        border_radius="var(--radius-3)",
        background_color=rx.color("accent", 3),
        data_testid="chat-user-message",
    )


def _message(message: ObjectVar[ChatMessage]) -> rx.Component:
    return rx.cond(message.role == "user", _user(message), _assistant(message))


def _welcome() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Ask about your deals, pipeline, forecast and insights. "
            "Answers read this workspace's data as you.",
            size="2",
            color_scheme="gray",
        ),
        *[
            rx.button(
                text,
                variant="soft",
                size="1",
                on_click=State.ask({"message": text}),
                data_testid="chat-suggestion",
            )
            for text in SUGGESTIONS
        ],
        spacing="2",
        align="start",
    )


def _composer() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                # Uncontrolled (a controlled input pulls in a debounce npm package).
                name="message",
                placeholder="Ask about your pipeline…",
                aria_label="Message",
                flex="1",
                disabled=State.sending,
                data_testid="chat-input",
            ),
            rx.icon_button(
                rx.icon("send", size=16),
                type="submit",
                loading=State.sending,
                aria_label="Send",
                data_testid="chat-send",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=State.ask,
        reset_on_submit=True,
        width="100%",
    )


def chat_panel() -> rx.Component:
    return rx.cond(
        State.panel_open,
        rx.flex(
            rx.hstack(
                rx.icon("sparkles", size=18, color=rx.color("accent", 11)),
                rx.heading("Assistant", size="4"),
                rx.spacer(),
                rx.button(
                    "New chat",
                    variant="ghost",
                    size="1",
                    on_click=State.new_conversation,
                    disabled=State.sending,
                ),
                align="center",
                width="100%",
            ),
            rx.box(
                rx.cond(
                    State.messages.length() > 0,
                    rx.vstack(rx.foreach(State.messages, _message), spacing="3", width="100%"),
                    _welcome(),
                ),
                flex="1",
                overflow_y="auto",
                width="100%",
                data_testid="chat-messages",
            ),
            error_callout(State.error, "chat-error"),
            _composer(),
            direction="column",
            spacing="3",
            position="fixed",
            top="0",
            right="0",
            bottom="0",
            width=["100%", PANEL_WIDTH],
            z_index="20",
            padding="1rem 1rem 5.5rem",
            background_color=rx.color("gray", 1),
            border_left=f"1px solid {rx.color('gray', 4)}",
            box_shadow="var(--shadow-5)",
            data_testid="chat-panel",
        ),
    )
