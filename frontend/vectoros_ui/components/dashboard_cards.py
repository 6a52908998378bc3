"""The dashboard's headline cards: a number, its change against the previous period, a line."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.states.dashboard import DashboardState
from vectoros_ui.states.dashboard_format import Card

CARD_KEYS = ["open_pipeline", "weighted_pipeline", "won", "win_rate", "forecast"]


def _card(card: ObjectVar[Card]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(card.label, size="2", color_scheme="gray", weight="medium"),
            rx.text(
                card.value,
                size="7",
                weight="bold",
                data_testid="card-value",
                style={"font_variant_numeric": "tabular-nums"},
            ),
            rx.badge(
                card.change,
                color_scheme=card.change_color,
                variant="soft",
                data_testid="card-change",
            ),
            rx.text(card.detail, size="1", color_scheme="gray", data_testid="card-detail"),
            spacing="2",
            align="start",
        ),
        width="100%",
        data_testid=f"card-{card.key}",
        custom_attrs={"data-card": card.key},
    )


def _placeholder() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.skeleton(rx.text("Open pipeline", size="2")),
            rx.skeleton(rx.text("$000,000", size="7")),
            rx.skeleton(rx.text("+0.0% vs last period", size="1")),
            spacing="2",
        ),
        width="100%",
        data_testid="card-skeleton",
    )


def headline_cards() -> rx.Component:
    return rx.grid(
        rx.cond(
            DashboardState.loading & (DashboardState.cards.length() == 0),
            rx.fragment(*[_placeholder() for _ in CARD_KEYS]),
            rx.foreach(DashboardState.cards, _card),
        ),
        columns=rx.breakpoints(initial="1", xs="2", md="3", lg="5"),
        spacing="3",
        width="100%",
        data_testid="headline-cards",
    )
