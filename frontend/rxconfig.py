"""Reflex configuration for the VectorOS web app (run it from this folder)."""

import reflex as rx
from vectoros_ui.security import allowed_origins
from vectoros_ui.styles import theme

config = rx.Config(
    app_name="vectoros_ui",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Sessions (and the API tokens inside them) live only in the server's memory.
    state_manager_mode="memory",
    plugins=[rx.plugins.RadixThemesPlugin(theme=theme)],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # The event socket and CORS answer these origins only (never "*": the socket carries
    # each user's session). See vectoros_ui/security.py.
    cors_allowed_origins=allowed_origins(),
    # vectoros_ui/security.py reads each page to hash its inline scripts: plain or gzip.
    frontend_compression_formats=["gzip"],
)
