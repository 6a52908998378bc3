"""Timestamps shown in the reader's own time zone (the browser formats them)."""

import reflex as rx
from reflex.vars import FunctionStringVar

_DATE_TIME: FunctionStringVar = FunctionStringVar.create(
    "(iso) => iso ? new Date(iso).toLocaleString(undefined, "
    "{dateStyle: 'medium', timeStyle: 'short'}) : ''"
)
_DATE: FunctionStringVar = FunctionStringVar.create(
    "(iso) => iso ? new Date(iso).toLocaleDateString(undefined, {dateStyle: 'medium'}) : ''"
)


def local_date_time(iso: rx.Var[str]) -> rx.Var[str]:
    """'Mar 5, 2026, 2:30 PM' for an ISO 8601 timestamp, in the browser's zone."""
    return _DATE_TIME.call(iso).to(str)


def local_date(iso: rx.Var[str]) -> rx.Var[str]:
    return _DATE.call(iso).to(str)
