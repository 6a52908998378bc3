"""Structured logs: JSON in production, readable in development, a request id on every line.

Nothing is rendered or written on the caller's thread (the event loop): a log call only
gathers its fields (context, level, time, exception) and puts the record on a queue; one
listener thread renders and writes. Tracebacks are plain, without local variables, so even
rendering an error is cheap. An unexpected error therefore costs the requests around it
nothing, however long its traceback.
"""

import atexit
import logging
import os
import queue
import sys
import threading
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from typing import Any

import structlog
from structlog.typing import EventDict

# Records waiting to be written; past this (a stuck stderr) new ones are dropped and
# counted rather than let a log call block or memory grow.
QUEUE_SIZE = 10_000
_CONTEXT = "_structlog_context"


class EnqueueHandler(QueueHandler):
    """Hands records to the listener as they are: no formatting on the logging thread.

    The stdlib QueueHandler formats in `prepare()` (on the caller's thread, i.e. the event
    loop) to make the record picklable; in-process queues need no such thing. Only what
    must be read where the call happened is taken now: the message's arguments and the
    structlog context (a contextvar) of a record from another library.
    """

    def __init__(self, target: "queue.Queue[logging.LogRecord]") -> None:
        super().__init__(target)
        self.dropped = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if not isinstance(record.msg, dict):
            # %-formatting is cheap and binds the arguments' current values.
            record.msg = record.getMessage()
            record.args = None
            setattr(record, _CONTEXT, structlog.contextvars.get_contextvars())
        return record

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class _Listener(QueueListener):
    """Renders and writes on its own thread; says so when records had to be dropped."""

    def __init__(self, target: "queue.Queue[logging.LogRecord]", handler: logging.Handler) -> None:
        super().__init__(target, handler, respect_handler_level=True)
        self.enqueuer: EnqueueHandler | None = None
        self._reported = 0

    def handle(self, record: logging.LogRecord) -> None:
        dropped = self.enqueuer.dropped if self.enqueuer else 0
        if dropped > self._reported:
            note = logging.LogRecord(
                "kit.logging", logging.WARNING, __file__, 0, "log_records_dropped", None, None
            )
            note.msg = f"log_records_dropped: {dropped - self._reported} (queue full)"
            self._reported = dropped
            super().handle(note)
        super().handle(record)


_lock = threading.Lock()
_listener: _Listener | None = None


def _capture_exc_info(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """Turn `exc_info=True` or an exception into the (type, value, traceback) tuple now:
    the listener thread renders it later, where `sys.exc_info()` knows nothing of it."""
    exc_info = event_dict.get("exc_info")
    if exc_info is True:
        event_dict["exc_info"] = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        event_dict["exc_info"] = (type(exc_info), exc_info, exc_info.__traceback__)
    return event_dict


def _record_context(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """A foreign record's context and time, as they were when it was logged."""
    record = event_dict.get("_record")
    if record is not None:
        for key, value in (getattr(record, _CONTEXT, None) or {}).items():
            event_dict.setdefault(key, value)
        event_dict.setdefault(
            "timestamp",
            datetime.fromtimestamp(record.created, UTC).replace(tzinfo=None).isoformat() + "Z",
        )
        if record.exc_info and "exc_info" not in event_dict:
            event_dict["exc_info"] = record.exc_info
    return event_dict


def configure_logging(*, json_logs: bool, level: str = "INFO") -> None:
    """Route every log record (structlog's and the stdlib's) through one queue and thread.

    Called again (each app factory call does), it replaces the previous setup after the
    previous listener has written what it held.
    """
    on_caller: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _capture_exc_info,
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[*on_caller, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        # Foreign (stdlib) records: these run on the listener thread.
        foreign_pre_chain=[
            _record_context,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if json_logs else _keep,
            renderer,
        ],
    )
    writer = logging.StreamHandler(sys.stderr)
    writer.setFormatter(formatter)
    records: queue.Queue[logging.LogRecord] = queue.Queue(QUEUE_SIZE)
    enqueuer = EnqueueHandler(records)
    listener = _Listener(records, writer)
    listener.enqueuer = enqueuer
    root = logging.getLogger()
    with _lock:
        global _listener
        previous, _listener = _listener, listener
        listener.start()
        root.handlers = [enqueuer]
        if previous is not None:
            previous.stop()
    root.setLevel(level.upper())
    # uvicorn's own access log repeats what our request middleware logs with the request id.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every outgoing request at INFO; our callers log what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _keep(_: Any, __: str, event_dict: EventDict) -> EventDict:
    return event_dict


def flush_logs() -> None:
    """Write everything logged so far (at exit, and for tests that read the output)."""
    with _lock:
        listener = _listener
    if listener is not None and listener._thread is not None:
        # The listener marks each record done once written.
        listener.queue.join()  # type: ignore[attr-defined]


def _stop() -> None:
    global _listener
    with _lock:
        listener, _listener = _listener, None
    if listener is not None and listener._thread is not None:
        listener.stop()


def _restart_in_child() -> None:
    # A forked child has the queue but not the thread that empties it, and the queue's or
    # our lock may have been held by a thread that does not exist there: start afresh.
    global _lock
    _lock = threading.Lock()
    listener = _listener
    if listener is not None:
        fresh: queue.Queue[logging.LogRecord] = queue.Queue(QUEUE_SIZE)
        listener.queue = fresh
        if listener.enqueuer is not None:
            listener.enqueuer.queue = fresh
        listener._thread = None
        listener.start()


atexit.register(_stop)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_in_child)
