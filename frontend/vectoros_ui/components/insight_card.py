"""One insight: how urgent, what it found and on which numbers, what to do, and triage buttons."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.local_time import local_date_time
from vectoros_ui.states.insights import Evidence, InsightCard, InsightsState

State = InsightsState


def _evidence_row(item: ObjectVar[Evidence]) -> rx.Component:
    return rx.hstack(
        rx.text(item.label, size="1", color_scheme="gray"),
        rx.text(item.value, size="1", weight="medium"),
        spacing="1",
        data_testid="insight-evidence",
    )


def _header(card: ObjectVar[InsightCard]) -> rx.Component:
    return rx.hstack(
        rx.badge(
            card.priority.upper(),
            color_scheme=card.priority_color,
            variant="solid",
            data_testid="insight-priority",
        ),
        rx.badge(card.kind, variant="soft", color_scheme="gray"),
        rx.cond(
            card.status != "new",
            rx.badge(card.status, variant="outline", data_testid="insight-status"),
        ),
        rx.spacer(),
        rx.text(card.confidence_label, size="1", color_scheme="gray"),
        align="center",
        spacing="2",
        width="100%",
        wrap="wrap",
    )


def _actions(card: ObjectVar[InsightCard]) -> rx.Component:
    return rx.cond(
        State.can_triage & card.can_close,
        rx.hstack(
            rx.cond(
                card.can_view,
                rx.button(
                    rx.icon("eye", size=14),
                    "Mark viewed",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=State.set_status(card.id, "viewed"),
                    data_testid="insight-viewed",
                ),
            ),
            rx.button(
                rx.icon("check", size=14),
                "Actioned",
                size="1",
                variant="soft",
                on_click=State.set_status(card.id, "actioned"),
                data_testid="insight-actioned",
            ),
            rx.button(
                rx.icon("x", size=14),
                "Dismiss",
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=State.set_status(card.id, "dismissed"),
                data_testid="insight-dismiss",
            ),
            spacing="2",
        ),
    )


def _footer(card: ObjectVar[InsightCard]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            card.deal_id != "",
            rx.link(
                rx.hstack(rx.icon("handshake", size=14), "Open deal", spacing="1", align="center"),
                href="/deals/" + card.deal_id,
                size="2",
                data_testid="insight-deal-link",
            ),
        ),
        rx.cond(
            card.generated_without_ai,
            rx.badge(
                "generated without AI",
                variant="soft",
                color_scheme="gray",
                data_testid="insight-without-ai",
            ),
        ),
        rx.text(local_date_time(card.created_at), size="1", color_scheme="gray"),
        rx.spacer(),
        _actions(card),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def insight_card(card: ObjectVar[InsightCard]) -> rx.Component:
    return rx.card(
        rx.vstack(
            _header(card),
            rx.heading(card.title, size="3", data_testid="insight-title"),
            rx.text(card.description, size="2", color=rx.color("gray", 11)),
            rx.cond(
                card.evidence.length() > 0,
                rx.flex(rx.foreach(card.evidence, _evidence_row), spacing="3", wrap="wrap"),
            ),
            rx.cond(
                card.suggested_actions.length() > 0,
                rx.unordered_list(
                    rx.foreach(
                        card.suggested_actions,
                        lambda action: rx.list_item(rx.text(action, size="2")),
                    ),
                    data_testid="insight-suggested-actions",
                ),
            ),
            _footer(card),
            spacing="2",
            width="100%",
        ),
        width="100%",
        # Keyed by id: a live update reorders the list, and a card's open menu must not jump.
        key=card.id,
        data_testid="insight-card",
        data_status=card.status,
    )
