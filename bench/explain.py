"""Why an endpoint is slow: the plans of its slow statements, from Postgres' auto_explain.

Only for the embedded cluster, whose log file we can read: auto_explain is switched on for
the bench database (new connections only), the slow endpoints are requested again against a
freshly started backend, and the EXPLAIN ANALYZE plans logged meanwhile are collected.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_ENTRY = re.compile(r"LOG:\s+duration: ([\d.]+) ms\s+plan:")
SETTINGS = {
    "session_preload_libraries": "auto_explain",
    "auto_explain.log_min_duration": "20ms",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_buffers": "on",
}


@dataclass(frozen=True)
class Plan:
    ms: float
    text: str

    @property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def _plan_start(self) -> int:
        """auto_explain prints the query text and parameters, then the plan's first node."""
        for n, line in enumerate(self._lines):
            if "(cost=" in line:
                return n
        return len(self._lines)

    @property
    def query(self) -> str:
        head = [
            line
            for line in self._lines[: self._plan_start]
            if not line.strip().startswith("Query Parameters:")
        ]
        joined = " ".join(" ".join(head).split()).removeprefix("Query Text: ")
        return joined[:400]

    def summary(self, lines: int = 16) -> str:
        body = self._lines[self._plan_start :]
        return "\n".join(line.removeprefix("\t") for line in body[:lines])


@contextmanager
def auto_explain(url: str) -> Iterator[None]:
    """Log EXPLAIN ANALYZE of every statement over 20 ms on the bench database meanwhile."""
    database = make_url(url).database
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name, value in SETTINGS.items():
            conn.execute(text(f"alter database \"{database}\" set {name} = '{value}'"))
    try:
        yield
    finally:
        with engine.connect() as conn:
            for name in SETTINGS:
                conn.execute(text(f'alter database "{database}" reset {name}'))
        engine.dispose()


def plans_since(log: Path, offset: int) -> list[Plan]:
    """auto_explain entries appended to the server log after `offset`, slowest first."""
    with log.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().decode(errors="replace").splitlines()
    plans: list[Plan] = []
    current: list[str] | None = None
    ms = 0.0
    for line in lines:
        match = _ENTRY.search(line)
        if match:
            if current is not None:
                plans.append(Plan(ms, "\n".join(current)))
            ms, current = float(match.group(1)), []
        elif current is not None and line[:1] in ("\t", " "):
            current.append(line.strip("\n"))
        elif current is not None:
            plans.append(Plan(ms, "\n".join(current)))
            current = None
    if current is not None:
        plans.append(Plan(ms, "\n".join(current)))
    return sorted(plans, key=lambda p: p.ms, reverse=True)


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0
