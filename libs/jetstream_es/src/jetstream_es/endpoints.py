"""Request/reply plumbing: raw NATS request → validated command → handler → reply.

Every request gets a reply (a FastStream handler that raises sends none and the caller times
out): validation errors become `invalid` with the field paths, domain errors their own code with
the rule id, store outages `unavailable`; an unexpected error is logged and answered, never fatal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ValidationError

from jetstream_es.commands import CommandResult
from jetstream_es.errors import DomainError, EventStoreError, InvalidAggregateId, StreamUnavailable
from shop_contracts.errors import ErrorCode, Reply
from shop_contracts.messages import Command, Query

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Command)
Q = TypeVar("Q", bound=Query)


def validation_reply(exc: ValidationError, what: str) -> Reply:
    details = [
        {
            "field": ".".join(str(p) for p in err["loc"]) or "(body)",
            "problem": err["msg"],
            "type": err["type"],
        }
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    fields = ", ".join(d["field"] for d in details[:5])
    return Reply.failure(ErrorCode.INVALID, f"{what} is not valid: {fields}", details=details)


def error_reply(exc: BaseException) -> Reply:
    if isinstance(exc, DomainError):
        return Reply.failure(exc.code, exc.message, exc.rule, exc.details)
    if isinstance(exc, InvalidAggregateId):
        return Reply.failure(ErrorCode.INVALID, str(exc))
    if isinstance(exc, StreamUnavailable):
        return Reply.failure(ErrorCode.UNAVAILABLE, f"event store unavailable, nothing was recorded: {exc}")
    if isinstance(exc, EventStoreError):
        return Reply.failure(ErrorCode.UNAVAILABLE, f"event store refused the append: {exc}")
    return Reply.failure(ErrorCode.UNAVAILABLE, f"internal error ({type(exc).__name__}); it was logged")


def parse(model: type[BaseModel], raw: bytes) -> BaseModel | Reply:
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        return validation_reply(exc, model.__name__)


async def run_command(model: type[C], handler: Callable[[C], Awaitable[CommandResult]], raw: bytes) -> Reply:
    parsed = parse(model, raw)
    if isinstance(parsed, Reply):
        return parsed
    assert isinstance(parsed, model)
    with structlog.contextvars.bound_contextvars(
        command=model.command_name,
        command_id=parsed.command_id,
        correlation_id=parsed.correlation_id or parsed.command_id,
        causation_id=parsed.command_id,
    ):
        try:
            result = await handler(parsed)
        except Exception as exc:
            reply = error_reply(exc)
            level = "warning" if isinstance(exc, DomainError | InvalidAggregateId) else "error"
            getattr(log, level)("command_refused", code=reply.error and reply.error.code, error=str(exc))
            return reply
    return Reply(
        ok=True, aggregate_id=result.aggregate_id, version=result.version, events=list(result.event_ids)
    )


async def run_query(model: type[Q], handler: Callable[[Q], Awaitable[Any]], raw: bytes) -> Reply:
    parsed = parse(model, raw)
    if isinstance(parsed, Reply):
        return parsed
    assert isinstance(parsed, model)
    try:
        result = await handler(parsed)
    except Exception as exc:
        log.warning("query_failed", query=model.query_name, error=repr(exc))
        return error_reply(exc)
    return Reply(ok=True, result=result)
