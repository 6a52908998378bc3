"""The dashboard's charts (rx.recharts), each in a titled card with a loading skeleton."""

import reflex as rx

from vectoros_ui.states.dashboard import DashboardState as State

HEIGHT = 260
# Series are drawn at once (is_animation_active=False): animating five charts on every live
# refresh costs seconds of rendering on a slow machine and moves numbers under the reader.
COMPACT = "(value) => new Intl.NumberFormat('en', {notation: 'compact'}).format(value)"
ACTIVITY_SERIES = [
    ("Calls", "indigo"),
    ("Emails", "cyan"),
    ("Meetings", "grass"),
    ("Notes", "amber"),
    ("Tasks", "crimson"),
]


def chart_card(title: str, caption: str, test_id: str, chart: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading(title, size="3"),
                rx.text(caption, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.skeleton(rx.box(chart, width="100%"), loading=State.loading, width="100%"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
        data_testid=test_id,
    )


def _grid() -> rx.Component:
    return rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False)


def _tooltip() -> rx.Component:
    return rx.recharts.graphing_tooltip(
        content_style={
            "backgroundColor": "var(--color-panel-solid)",
            "border": "1px solid var(--gray-6)",
            "borderRadius": "var(--radius-3)",
        }
    )


def _money_axis() -> rx.Component:
    return rx.recharts.y_axis(tick_formatter=COMPACT, width=48, font_size=12)


def pipeline_by_stage() -> rx.Component:
    return chart_card(
        "Pipeline by stage",
        "Open deals: amount and weighted amount",
        "chart-pipeline",
        rx.recharts.bar_chart(
            _grid(),
            rx.recharts.x_axis(data_key="stage", font_size=12, interval="preserveStartEnd"),
            _money_axis(),
            _tooltip(),
            rx.recharts.legend(),
            rx.recharts.bar(
                data_key="Amount", fill=rx.color("accent", 8), radius=4, is_animation_active=False
            ),
            rx.recharts.bar(
                data_key="Weighted",
                fill=rx.color("accent", 11),
                radius=4,
                is_animation_active=False,
            ),
            data=State.stages,
            width="100%",
            height=HEIGHT,
        ),
    )


def forecast_vs_target() -> rx.Component:
    return chart_card(
        "Forecast vs target",
        "Won plus the expected value of open deals due, by month",
        "chart-forecast",
        rx.recharts.composed_chart(
            _grid(),
            rx.recharts.x_axis(data_key="month", font_size=12),
            _money_axis(),
            _tooltip(),
            rx.recharts.legend(),
            rx.recharts.bar(
                data_key="Forecast", fill=rx.color("accent", 6), radius=4, is_animation_active=False
            ),
            rx.recharts.bar(
                data_key="Won", fill=rx.color("grass", 9), radius=4, is_animation_active=False
            ),
            rx.recharts.line(
                data_key="Target",
                stroke=rx.color("crimson", 9),
                stroke_width=2,
                dot=False,
                type_="monotone",
                is_animation_active=False,
            ),
            data=State.forecast,
            width="100%",
            height=HEIGHT,
        ),
    )


def won_trend() -> rx.Component:
    return chart_card(
        "Won revenue",
        "The last 12 months",
        "chart-won-trend",
        rx.recharts.area_chart(
            _grid(),
            rx.recharts.x_axis(data_key="month", font_size=12),
            _money_axis(),
            _tooltip(),
            rx.recharts.area(
                data_key="Won",
                stroke=rx.color("grass", 9),
                fill=rx.color("grass", 5),
                type_="monotone",
                is_animation_active=False,
            ),
            data=State.trend,
            width="100%",
            height=HEIGHT,
        ),
    )


def stage_funnel() -> rx.Component:
    return chart_card(
        "Stage funnel",
        "Deals created this period that reached each stage, with conversion from the one before",
        "chart-funnel",
        rx.recharts.bar_chart(
            rx.recharts.x_axis(type_="number", hide=True),
            rx.recharts.y_axis(data_key="stage", type_="category", width=110, font_size=12),
            _tooltip(),
            rx.recharts.bar(
                rx.recharts.label_list(data_key="conversion", position="right", font_size=12),
                data_key="Deals",
                fill=rx.color("accent", 9),
                radius=4,
                is_animation_active=False,
            ),
            data=State.funnel,
            layout="vertical",
            margin={"right": 40},
            width="100%",
            height=HEIGHT,
        ),
    )


def activity_by_owner() -> rx.Component:
    return chart_card(
        "Activity by owner",
        "Calls, emails, meetings, notes and tasks logged this period",
        "chart-activity",
        rx.cond(
            State.activity_empty & ~State.loading,
            rx.center(
                rx.text("No activity logged in this period.", size="2", color_scheme="gray"),
                height=f"{HEIGHT}px",
                data_testid="activity-empty",
            ),
            rx.recharts.bar_chart(
                _grid(),
                rx.recharts.x_axis(data_key="owner", font_size=12, interval="preserveStartEnd"),
                rx.recharts.y_axis(width=40, font_size=12),
                _tooltip(),
                rx.recharts.legend(),
                *[
                    rx.recharts.bar(
                        data_key=name,
                        stack_id="a",
                        fill=rx.color(color, 9),
                        is_animation_active=False,
                    )
                    for name, color in ACTIVITY_SERIES
                ],
                data=State.activity,
                width="100%",
                height=HEIGHT,
            ),
        ),
    )
