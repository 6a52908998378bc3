"""The deal page's win probability card: the engine's score, its factors, and which model."""

import reflex as rx

from vectoros_ui.states.forecast_format import FactorLine
from vectoros_ui.states.win_probability import WinProbabilityState as State

ICONS = {
    "up": ("trending_up", "grass"),
    "down": ("trending_down", "red"),
    "flat": ("minus", "gray"),
}


def _factor(factor: FactorLine) -> rx.Component:
    return rx.hstack(
        rx.match(
            factor.direction,
            *[
                (key, rx.icon(icon, size=16, color=rx.color(color, 10)))
                for key, (icon, color) in ICONS.items()
            ],
            rx.icon("minus", size=16),
        ),
        rx.text(factor.text, size="2"),
        align="center",
        spacing="2",
        data_testid="win-factor",
    )


def _score() -> rx.Component:
    model = State.model
    return rx.vstack(
        rx.hstack(
            rx.text(State.probability_label, size="7", weight="bold", data_testid="win-score"),
            rx.badge(
                rx.cond(model.used, "Learned model", "Stage baseline"),
                color_scheme=rx.cond(model.used, "grass", "gray"),
                data_testid="win-source",
            ),
            rx.text("stage: ", State.stage_probability_label, size="1", color_scheme="gray"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.vstack(rx.foreach(State.factors, _factor), spacing="1"),
        rx.text(model.title, size="1", weight="medium", data_testid="win-model-title"),
        rx.text(model.detail, size="1", color_scheme="gray", data_testid="win-model-detail"),
        rx.cond(model.backtest != "", rx.text(model.backtest, size="1", color_scheme="gray")),
        spacing="2",
        width="100%",
    )


def win_probability_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Chance to win", size="4"),
            rx.cond(
                State.score_error != "",
                rx.text(State.score_error, size="2", color_scheme="red"),
                rx.cond(
                    State.score_loading,
                    rx.hstack(rx.spinner(size="2"), rx.text("Scoring…", size="2")),
                    rx.cond(
                        State.is_open,
                        _score(),
                        rx.text("Closed deals are not scored.", size="2", color_scheme="gray"),
                    ),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        on_mount=State.load_score,
        data_testid="win-probability",
    )
