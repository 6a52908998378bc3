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


def _invitation_link(invitation: ObjectVar[Invitation]) -> rx.Component:
    """The link to pass on by hand: selectable in one click, and a copy button."""
    return rx.hstack(
        rx.input(
            value=invitation.accept_url,
            read_only=True,
            size="1",
            width="100%",
            on_focus=rx.call_script("document.activeElement.select()"),
            aria_label="Invitation link for " + invitation.email,
            data_testid="invitation-link",
        ),
        rx.button(
            rx.icon("copy", size=14),
            "Copy link",
            size="1",
            variant="soft",
            on_click=[
                rx.set_clipboard(invitation.accept_url),
                rx.toast.success("Link copied. Send it to " + invitation.email + "."),
            ],
            data_testid="invitation-copy",
        ),
        spacing="2",
        align="center",
        width="100%",
    )


def _invitation_row(invitation: ObjectVar[Invitation]) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.text(invitation.email, weight="medium", size="2", overflow_wrap="anywhere"),
                    rx.text(
                        "Invited "
                        + local_date(invitation.invited_at)
                        + rx.cond(
                            invitation.expired,
                            "",
                            " · link valid until " + local_date(invitation.expires_at),
                        ),
                        size="1",
                        color_scheme="gray",
                        data_testid="invitation-date",
                    ),
                    spacing="0",
                    min_width="0",
                ),
                rx.hstack(
                    rx.badge(invitation.role, variant="soft", data_testid="invitation-role"),
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
                    spacing="3",
                    align="center",
                    flex_shrink="0",
                ),
                justify="between",
                align="start",
                gap="3",
                width="100%",
            ),
            rx.hstack(
                rx.icon(
                    rx.cond(invitation.accept_url != "", "link", "mail"),
                    size=14,
                    color=rx.color("gray", 10),
                ),
                rx.text(
                    invitation.delivery,
                    size="1",
                    color_scheme=rx.cond(invitation.expired, "red", "gray"),
                    data_testid="invitation-delivery",
                ),
                spacing="1",
                align="center",
            ),
            rx.cond(invitation.accept_url != "", _invitation_link(invitation)),
            spacing="2",
            width="100%",
        ),
        padding="0.75rem",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="var(--radius-3)",
        width="100%",
        data_testid="invitation-row",
    )


def _invitations_table() -> rx.Component:
    """Pending invitations under the members; nothing at all when there are none."""
    return rx.cond(
        State.invitations.length() > 0,
        rx.vstack(
            rx.heading("Pending invitations", size="3", as_="h3"),
            rx.text(
                "Each person joins with the role shown once they open their invitation link "
                "and sign in (or register) with the invited email. A link works once, until "
                "it expires; invite the same email again to send a new one.",
                size="1",
                color_scheme="gray",
            ),
            rx.vstack(
                rx.foreach(State.invitations, _invitation_row),
                spacing="2",
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
            "Invite colleagues by email: they join when they accept the link.",
            rx.cond(SessionState.can_manage, _invite_form()),
            error_callout(State.invite_error, "invite-error"),
            _members_table(),
            rx.cond(~State.loading_members, _invitations_table()),
        ),
        on_workspace_change=WorkspaceSettingsState.load,
    )
