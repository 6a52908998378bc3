"""Helpers shared by the backend and the AI core: logging, HTTP middleware, errors."""
