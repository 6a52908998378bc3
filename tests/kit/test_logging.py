"""Logging never renders or writes on the caller's thread (the event loop)."""

import contextlib
import io
import logging
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import structlog

from kit.logging import configure_logging, flush_logs

log = structlog.get_logger("tests.kit.logging")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    yield
    flush_logs()
    with contextlib.redirect_stderr(sys.__stderr__):
        configure_logging(json_logs=False, level="WARNING")


class Rendered(Exception):
    """Records the thread its message is rendered on."""

    threads: list[str] = []

    def __str__(self) -> str:
        Rendered.threads.append(threading.current_thread().name)
        return "rendered"


@pytest.mark.parametrize("json_logs", [True, False])
def test_tracebacks_are_rendered_off_the_calling_thread(json_logs: bool) -> None:
    configure_logging(json_logs=json_logs, level="INFO")
    Rendered.threads = []
    try:
        raise Rendered()
    except Rendered:
        log.exception("failed")
    assert Rendered.threads == []  # nothing rendered yet, on this thread
    flush_logs()
    assert Rendered.threads
    assert threading.current_thread().name not in Rendered.threads


def test_a_log_call_does_not_wait_for_a_slow_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    class SlowStream(io.StringIO):
        def write(self, text: str) -> int:
            time.sleep(0.5)
            return super().write(text)

    slow = SlowStream()
    monkeypatch.setattr(sys, "stderr", slow)
    configure_logging(json_logs=True, level="INFO")
    started = time.perf_counter()
    for _ in range(5):
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    assert time.perf_counter() - started < 0.2
    flush_logs()
    assert slow.getvalue().count("ValueError: boom") == 5


def test_tracebacks_are_plain_without_locals(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_logs=False, level="INFO")

    def failing() -> None:
        password_local = "s3cret-local-value"  # noqa: F841
        raise RuntimeError("bad")

    try:
        failing()
    except RuntimeError:
        log.exception("failed")
    flush_logs()
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: bad" in err
    assert "s3cret-local-value" not in err
    assert "╭" not in err  # no rich panels


def test_foreign_records_keep_the_context_of_their_call(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_logs=True, level="INFO")
    structlog.contextvars.bind_contextvars(request_id="req-123")
    try:
        logging.getLogger("somelib").warning("value %s", "here")
    finally:
        structlog.contextvars.clear_contextvars()
    flush_logs()
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert '"request_id": "req-123"' in line
    assert '"event": "value here"' in line
    assert '"timestamp": "' in line
