"""Text that PostgreSQL can store: no NUL character and no lone UTF-16 surrogate.

Postgres refuses NUL in `text` and `\\u0000` in `jsonb`, and a lone surrogate (which JSON may
spell, e.g. `"\\ud800"`) cannot be encoded as UTF-8 at all. Requests are refused where such
text comes in (`kit.schemas.RequestModel`, `kit.http.InputGuardMiddleware`); data read from
files and other systems is cleaned with `storable` / `storable_deep` instead.
"""

from collections.abc import Iterator
from typing import Any

NUL = "\x00"
REPLACEMENT = "\ufffd"
# Deeper JSON than this is no request of ours; walking it further only costs.
MAX_DEPTH = 64

Loc = tuple[str | int, ...]


def problem(text: str) -> str | None:
    """Why `text` cannot be stored ("nul" or "surrogate"), or None when it can."""
    if NUL in text:
        return "nul"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "surrogate"
    return None


def storable(text: str) -> str:
    """`text` without NUL characters, lone surrogates replaced by U+FFFD."""
    if NUL in text:
        text = text.replace(NUL, "")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = "".join(REPLACEMENT if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def storable_deep(value: Any) -> Any:
    """A copy of a JSON-like value with every string (keys too) made `storable`."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable_deep(k): storable_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable_deep(v) for v in value]
    return value


def unstorable(value: Any, *, max_depth: int = MAX_DEPTH) -> Iterator[tuple[Loc, str]]:
    """Where a JSON-like value holds text that cannot be stored, and why.

    Yields (location, reason): reason is "nul", "surrogate" or "depth" (nested deeper than
    `max_depth`); a dict key's location ends with "[key]". Iterative, so no input is deep
    enough to exhaust the stack.
    """
    stack: list[tuple[Loc, Any]] = [((), value)]
    while stack:
        loc, item = stack.pop()
        if isinstance(item, str):
            reason = problem(item)
            if reason:
                yield loc, reason
        elif isinstance(item, dict | list | tuple):
            if len(loc) >= max_depth:
                yield loc, "depth"
                continue
            if isinstance(item, dict):
                children = []
                for key, child in item.items():
                    reason = problem(key) if isinstance(key, str) else None
                    if reason:
                        yield (*loc, "[key]"), reason
                        continue
                    children.append(((*loc, key if isinstance(key, int) else str(key)), child))
            else:
                children = [((*loc, i), child) for i, child in enumerate(item)]
            stack.extend(reversed(children))
