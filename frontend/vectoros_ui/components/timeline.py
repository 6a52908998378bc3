"""A deal's timeline, newest first: people's activities, and VectorOS's own entries muted."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.local_time import local_date_time
from vectoros_ui.states.deal_detail import DealDetailState
from vectoros_ui.states.deal_history import TimelineEntry

State = DealDetailState


def type_icon(kind: rx.Var[str]) -> rx.Component:
    return rx.match(
        kind,
        ("call", rx.icon("phone", size=16)),
        ("email", rx.icon("mail", size=16)),
        ("meeting", rx.icon("users", size=16)),
        ("note", rx.icon("sticky_note", size=16)),
        ("task", rx.icon("square_check", size=16)),
        rx.icon("git_commit_horizontal", size=16),
    )


def _marker(entry: ObjectVar[TimelineEntry]) -> rx.Component:
    return rx.center(
        type_icon(entry.type),
        width="2rem",
        height="2rem",
        min_width="2rem",
        border_radius="full",
        color=rx.cond(entry.is_system, rx.color("gray", 10), rx.color("accent", 11)),
        background_color=rx.cond(entry.is_system, rx.color("gray", 3), rx.color("accent", 3)),
    )


def _meta(entry: ObjectVar[TimelineEntry]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            entry.is_system,
            rx.text("VectorOS", size="1", weight="medium"),
            rx.text(entry.type.upper(), size="1", weight="medium"),
        ),
        rx.text("·", size="1"),
        rx.text(local_date_time(entry.occurred_at), size="1"),
        rx.cond(entry.by_label != "", rx.text(f"· {entry.by_label}", size="1")),
        rx.cond(
            entry.status_label != "",
            rx.badge(entry.status_label, size="1", variant="soft", color_scheme="gray"),
        ),
        spacing="1",
        align="center",
        wrap="wrap",
        color=rx.color("gray", 10),
    )


def _entry(entry: ObjectVar[TimelineEntry]) -> rx.Component:
    return rx.hstack(
        _marker(entry),
        rx.vstack(
            rx.text(
                entry.subject,
                size="2",
                weight=rx.cond(entry.is_system, "regular", "medium"),
                color=rx.cond(entry.is_system, rx.color("gray", 11), rx.color("gray", 12)),
                data_testid="timeline-subject",
            ),
            _meta(entry),
            rx.cond(
                entry.body != "",
                rx.text(entry.body, size="2", white_space="pre-wrap", color=rx.color("gray", 11)),
            ),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        align="start",
        spacing="3",
        width="100%",
        padding_y="0.5rem",
        data_testid=rx.cond(entry.is_system, "timeline-system", "timeline-activity"),
    )


def timeline() -> rx.Component:
    return rx.vstack(
        rx.cond(
            State.timeline.length() > 0,
            rx.vstack(rx.foreach(State.timeline, _entry), spacing="1", width="100%"),
            rx.text("Nothing on the timeline yet.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            State.timeline_has_more,
            rx.button(
                "Load more",
                variant="soft",
                size="1",
                on_click=State.load_more_timeline,
                data_testid="timeline-load-more",
            ),
        ),
        spacing="2",
        width="100%",
        data_testid="timeline",
    )
