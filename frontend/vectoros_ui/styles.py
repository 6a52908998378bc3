"""One theme and the few shared measures every page uses."""

from typing import Any

import reflex as rx

ACCENT = "indigo"
SIDEBAR_WIDTH = "16rem"
CONTENT_MAX_WIDTH = "60rem"
WIDE_CONTENT_MAX_WIDTH = "90rem"

# Reflex responsive lists follow the breakpoints [0, 30em, 48em, ...]: 48em is the 768px switch.
DESKTOP_ONLY = ["none", "none", "flex"]
MOBILE_ONLY = ["flex", "flex", "none"]
PAGE_PADDING = ["1rem", "1.25rem", "2rem"]

FONT_STACK = (
    "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, "
    "'Helvetica Neue', Arial, sans-serif"
)

# One line, cut with an ellipsis (Reflex's Text has no `truncate` prop).
TRUNCATE = {"white_space": "nowrap", "overflow": "hidden", "text_overflow": "ellipsis"}

# "inherit" follows the color mode (the user's toggle, else the system's): light and dark.
theme = rx.theme(appearance="inherit", accent_color=ACCENT, gray_color="slate", radius="medium")

# Keyframes and motion classes live in assets/motion.css (reduced-motion aware).
STYLESHEETS = ["/motion.css"]

base_style: dict[Any, Any] = {
    "font_family": FONT_STACK,
    "background_color": rx.color("gray", 1),
}
