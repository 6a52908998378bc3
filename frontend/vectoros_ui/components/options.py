"""Select items for the workspace's stages and members (value: the id, label: the name)."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.states.records import MemberOption, StageOption


def stage_item(stage: ObjectVar[StageOption]) -> rx.Component:
    return rx.select.item(stage.name, value=stage.id)


def member_item(member: ObjectVar[MemberOption]) -> rx.Component:
    return rx.select.item(member.name, value=member.id)
