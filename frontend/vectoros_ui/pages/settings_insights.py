"""/settings/insights : the monthly revenue target and how often insights are generated."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.components.settings_nav import section, settings_page
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_insights import SCHEDULES, InsightSettingsState

State = InsightSettingsState


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Monthly revenue target",
                "monthly-target",
                rx.input(
                    id="monthly-target",
                    name="monthly_target",
                    default_value=State.monthly_target,
                    placeholder="e.g. 250000",
                    input_mode="decimal",
                    disabled=~SessionState.can_manage,
                    width="100%",
                    max_width="16rem",
                ),
            ),
            rx.vstack(
                rx.text("Generate insights", size="2", weight="medium"),
                rx.radio_group.root(
                    rx.flex(
                        *[
                            rx.text(
                                rx.flex(
                                    rx.radio_group.item(value=key, data_testid=f"schedule-{key}"),
                                    label,
                                    spacing="2",
                                    align="center",
                                ),
                                as_="label",
                                size="2",
                            )
                            for key, label in SCHEDULES.items()
                        ],
                        spacing="3",
                        wrap="wrap",
                    ),
                    value=State.schedule,
                    on_change=State.set_schedule,
                    disabled=~SessionState.can_manage,
                ),
                spacing="2",
            ),
            rx.cond(
                SessionState.can_manage,
                rx.button("Save", type="submit", loading=State.saving, data_testid="prefs-save"),
            ),
            spacing="4",
            width="100%",
        ),
        key=State.monthly_target,
        on_submit=State.save,
        reset_on_submit=False,
        width="100%",
    )


def settings_insights() -> rx.Component:
    return settings_page(
        "insights",
        "Insights & targets",
        notice_callout(State.notice, "settings-notice"),
        error_callout(State.error, "settings-error"),
        section(
            "Targets and schedule",
            "The dashboard draws the forecast against the monthly target. Scheduled runs read "
            "your open deals for risks and next steps; you can always generate insights by hand.",
            rx.cond(State.loading, rx.skeleton(height="6rem"), _form()),
        ),
        on_workspace_change=InsightSettingsState.load,
    )
