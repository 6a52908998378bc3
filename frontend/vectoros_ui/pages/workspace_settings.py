"""/settings : Settings -> Workspace (name, members and their roles, pending invitations)."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.components.local_time import local_date
from vectoros_ui.components.settings_nav import section, settings_page
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.workspace_settings import (
    INVITE_EMAIL_ID,
    ROLES,
    Invitation,
    Member,
    WorkspaceSettingsState,
)

State = WorkspaceSettingsState


def _rename_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                labelled(
                    "Workspace name",
                    "rename-workspace",
                    rx.input(
                        id="rename-workspace",
                        name="name",
                        default_value=SessionState.workspace_name,
                        max_length=200,
                        disabled=~SessionState.can_manage,
                        width="100%",
                        data_testid="rename-input",
                    ),
                ),
                flex="1",
                width="100%",
            ),
            rx.cond(
                SessionState.can_manage,
                rx.button(
                    "Save", type="submit", loading=State.renaming, data_testid="rename-submit"
                ),
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="end"),
            spacing="3",
            width="100%",
        ),
        # A new key per workspace remounts the form, so the field shows the new name.
        key=SessionState.workspace_id,
        on_submit=State.rename,
        width="100%",
    )


def _invite_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                labelled(
                    "Invite by email",
                    INVITE_EMAIL_ID,
                    rx.input(
                        id=INVITE_EMAIL_ID,
                        name="email",
                        type="email",
                        placeholder="colleague@company.com",
                        width="100%",
                        data_testid="invite-email",
                    ),
                ),
                flex="1",
                width="100%",
            ),
            labelled(
                "Role",
                "invite-role",
                rx.select(
                    ROLES,
                    id="invite-role",
                    name="role",
                    default_value="member",
                    custom_attrs={"data-testid": "invite-role"},
                ),
                full_width=False,
            ),
            rx.button(
                rx.icon("user_plus", size=16),
                "Invite",
                type="submit",
                loading=State.inviting,
                data_testid="invite-submit",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="end"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.invite,
        width="100%",
    )


def _role_cell(member: ObjectVar[Member], is_me: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        SessionState.can_manage & ~is_me,
        rx.select(
            ROLES,
            value=member.role,
            on_change=lambda role: State.change_role(member.user_id, role),
            size="1",
            custom_attrs={"data-testid": "member-role-select"},
        ),
        rx.badge(member.role, variant="soft", data_testid="member-role"),
    )


def _remove_button(member: ObjectVar[Member]) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.icon_button(
                rx.icon("trash_2", size=16),
                variant="ghost",
                color_scheme="red",
                aria_label="Remove member",
                data_testid="member-remove",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove member"),
            rx.alert_dialog.description(
                f"{member.name} ({member.email}) will lose access to this workspace.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Remove",
                        color_scheme="red",
                        on_click=State.remove(member.user_id),
                        data_testid="member-remove-confirm",
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="26rem",
        ),
    )


def _member_row(member: ObjectVar[Member]) -> rx.Component:
    is_me = member.email == SessionState.user_email
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.text(member.name, weight="medium", size="2"),
                    rx.cond(is_me, rx.badge("You", color_scheme="gray", size="1")),
                    spacing="2",
                    align="center",
                ),
                rx.text(member.email, size="1", color_scheme="gray", overflow_wrap="anywhere"),
                spacing="0",
            ),
        ),
        rx.table.cell(_role_cell(member, is_me)),
        rx.table.cell(
            rx.cond(SessionState.can_manage & ~is_me, _remove_button(member)),
            text_align="right",
        ),
        align="center",
        data_testid="member-row",
    )


def _members_table() -> rx.Component:
    return rx.cond(
        State.loading_members,
        rx.center(rx.spinner(), padding="2rem", width="100%"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Member"),
                    rx.table.column_header_cell("Role"),
                    rx.table.column_header_cell(""),
                ),
            ),
            rx.table.body(rx.foreach(State.members, _member_row)),
            variant="surface",
            width="100%",
            data_testid="members-table",
        ),
    )


def _invitation_row(invitation: ObjectVar[Invitation]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(invitation.email, weight="medium", size="2", overflow_wrap="anywhere"),
                rx.text(
                    "Invited " + local_date(invitation.invited_at),
                    size="1",
                    color_scheme="gray",
                    data_testid="invitation-date",
                ),
                spacing="0",
            ),
        ),
        rx.table.cell(
            rx.badge(invitation.role, variant="soft", data_testid="invitation-role"),
        ),
        rx.table.cell(
            rx.cond(
                SessionState.can_manage,
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=State.revoke_invitation(invitation.id),
                    aria_label="Revoke invitation for " + invitation.email,
                    data_testid="invitation-revoke",
                ),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="invitation-row",
    )


def _invitations_table() -> rx.Component:
    """Pending invitations under the members; nothing at all when there are none."""
    return rx.cond(
        State.invitations.length() > 0,
        rx.vstack(
            rx.heading("Pending invitations", size="3", as_="h3"),
            rx.text(
                "No account uses these emails yet. They join with the role shown "
                "when they register with that email.",
                size="1",
                color_scheme="gray",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Email"),
                        rx.table.column_header_cell("Role"),
                        rx.table.column_header_cell(""),
                    ),
                ),
                rx.table.body(rx.foreach(State.invitations, _invitation_row)),
                variant="surface",
                width="100%",
                data_testid="invitations-table",
            ),
            spacing="2",
            width="100%",
        ),
    )


def workspace_settings() -> rx.Component:
    return settings_page(
        "workspace",
        "Workspace",
        notice_callout(State.notice, "settings-notice"),
        error_callout(State.error, "settings-error"),
        section("General", "The name everyone in this workspace sees.", _rename_form()),
        section(
            "Members",
            "People who can see this workspace; their role decides what they may change. "
            "Invite colleagues by email: without an account yet, they join when they register.",
            rx.cond(SessionState.can_manage, _invite_form()),
            error_callout(State.invite_error, "invite-error"),
            _members_table(),
            rx.cond(~State.loading_members, _invitations_table()),
        ),
        on_workspace_change=WorkspaceSettingsState.load,
    )
