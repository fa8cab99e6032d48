"""structlog JSON logs with event id, correlation and causation ids, subject and stream sequence.

Handlers bind those fields with `bound_event(...)`; every log line inside carries them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import structlog


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


@contextmanager
def bound_event(
    *,
    event_id: str | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    subject: str | None = None,
    stream_seq: int | None = None,
) -> Iterator[None]:
    fields = {
        "event_id": event_id,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "subject": subject,
        "stream_seq": stream_seq,
    }
    with structlog.contextvars.bound_contextvars(**{k: v for k, v in fields.items() if v is not None}):
        yield
