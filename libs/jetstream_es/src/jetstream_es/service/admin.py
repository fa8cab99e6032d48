"""Operators' endpoints (what `shopctl` talks to) on `<service>.admin.<Name>` (decision 0007).

`ReplayProjection` (with `dry_run` and progress messages), `RetryDeadLetter`, `PauseProjection`,
`ResumeProjection`, and `DeadLetters` / `DropDeadLetter` (the service's own dead letters listed
and given up with a reason, for operators who hold no JetStream rights of their own: the back
office's operators' screen, issue 18): the request models and their handlers. They change state, so they are not
queries: their base is `AdminRequest`, served by `run_admin`; the wire is the one of queries (a JSON
body, a `Reply`), unchanged.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import structlog
from pydantic import BaseModel, ConfigDict, Field

from jetstream_es.dlq import DeadLetterError, dead_letter, dead_letters, original_headers, resolve
from jetstream_es.errors import Conflict, InvalidCommand, NotFound
from jetstream_es.projection.failures import DeadLetterRefused
from jetstream_es.projection.rebuild import RebuildProgress
from jetstream_es.service.endpoints import error_reply, parse
from shop_contracts.errors import Reply
from shop_contracts.messages import Command, Query

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Command)
S = TypeVar("S")
Q = TypeVar("Q", bound=Query)
if TYPE_CHECKING:
    from jetstream_es.service.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


async def replay(runtime: ServiceRuntime, query: ReplayProjection) -> dict[str, Any]:
    runner = runtime.runner(query.projection)
    if runner.projection.side_effects:
        raise InvalidCommand(
            f"{query.projection} is a reaction (it issues commands) and is never replayed",
            fields=["projection"],
        )
    progress = None
    if query.progress_subject:
        subject = query.progress_subject

        async def progress(state: RebuildProgress) -> None:
            await runtime.nc.publish(subject, json.dumps(dataclasses.asdict(state)).encode())

    report = await runner.rebuild(from_seq=query.from_seq, dry_run=query.dry_run, progress=progress)
    return dataclasses.asdict(report)


async def retry_dead_letter(runtime: ServiceRuntime, query: RetryDeadLetter) -> dict[str, Any]:
    """Apply a dead letter again after a fix, once; record the retry in the DLQ."""
    try:
        letter = await dead_letter(runtime.nc, query.dlq_seq)
    except DeadLetterError as exc:
        raise NotFound(str(exc)) from None
    if letter.service != runtime.name:
        raise InvalidCommand(
            f"dead letter {query.dlq_seq} belongs to {letter.service}, not {runtime.name}",
            fields=["dlq_seq"],
        )
    if letter.resolution is not None:
        raise Conflict(
            f"dead letter {query.dlq_seq} was {letter.resolution.action} already "
            f"({letter.resolution.at} by {letter.resolution.by})"
        )
    runner = next((r for r in runtime.runners if r.consumer == letter.consumer), None)
    if runner is None:
        raise NotFound(f"no running projection reads consumer {letter.consumer!r} in {runtime.name}")
    try:
        applied = await runner.apply_dead_letter(
            letter.dlq_seq,
            original_headers(letter.headers),
            letter.data,
            letter.subject,
            letter.stream_seq,
        )
    except DeadLetterRefused as exc:
        raise InvalidCommand(f"dead letter {query.dlq_seq} {exc}", fields=["dlq_seq"]) from None
    except Exception as exc:  # the bug is not fixed yet: nothing was applied or recorded
        raise InvalidCommand(
            f"dead letter {query.dlq_seq} still fails in {runner.projection.name}, nothing applied: "
            f"{type(exc).__name__}: {exc}",
            fields=["dlq_seq"],
        ) from None
    try:
        resolution = await resolve(
            runtime.nc, letter, "retried", query.reason, query.by, at=runtime.clock.now()
        )
    except DeadLetterError as exc:
        raise Conflict(str(exc)) from None
    return {
        "dlq_seq": letter.dlq_seq,
        "projection": runner.projection.name,
        "applied": applied,
        "resolution_seq": resolution.seq,
    }


async def list_dead_letters(runtime: ServiceRuntime, query: DeadLetters) -> dict[str, Any]:
    """This service's dead letters, oldest first (open ones; `include_resolved`: all)."""
    letters = await dead_letters(runtime.nc, service=runtime.name)
    rows = [d.summary() for d in letters if query.include_resolved or d.resolution is None]
    return {"service": runtime.name, "dead_letters": rows[-query.limit :]}


async def drop_dead_letter(runtime: ServiceRuntime, query: DropDeadLetter) -> dict[str, Any]:
    """Give one of this service's dead letters up, recording who and why (it stays in the DLQ)."""
    try:
        letter = await dead_letter(runtime.nc, query.dlq_seq)
    except DeadLetterError as exc:
        raise NotFound(str(exc)) from None
    if letter.service != runtime.name:
        raise InvalidCommand(
            f"dead letter {query.dlq_seq} belongs to {letter.service}, not {runtime.name}",
            fields=["dlq_seq"],
        )
    try:
        resolution = await resolve(
            runtime.nc, letter, "dropped", query.reason, query.by, at=runtime.clock.now()
        )
    except DeadLetterError as exc:
        raise Conflict(str(exc)) from None
    return {"dlq_seq": letter.dlq_seq, "dropped": True, "resolution_seq": resolution.seq}


async def pause(runtime: ServiceRuntime, query: PauseProjection) -> dict[str, Any]:
    runner = runtime.runner(query.projection)
    await runner.pause()
    return {"projection": runner.projection.name, "paused": True}


async def resume(runtime: ServiceRuntime, query: ResumeProjection) -> dict[str, Any]:
    runner = runtime.runner(query.projection)
    runner.resume()
    return {"projection": runner.projection.name, "paused": False}


class AdminRequest(BaseModel):
    """An operator's request to a service (`<service>.admin.<Name>`, what `shopctl` sends).

    Not a `Query`: it changes state (a rebuild, a dead letter applied, a projection paused). Its
    wire is a query's (a JSON body validated strictly, answered with a `Reply`); `admin_name` is
    the class name unless the class declares another."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    admin_name: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "admin_name" not in cls.__dict__:
            cls.admin_name = cls.__name__


A = TypeVar("A", bound=AdminRequest)


async def run_admin(model: type[A], handler: Callable[[A], Awaitable[Any]], raw: bytes) -> Reply:
    """Validate `raw` as `model`, run `handler`, and answer with a reply, also on failure."""
    parsed = parse(model, raw)
    if isinstance(parsed, Reply):
        return parsed
    assert isinstance(parsed, model)
    try:
        result = await handler(parsed)
    except Exception as exc:
        log.warning("admin_request_failed", request=model.admin_name, error=repr(exc))
        return error_reply(exc, parsed)
    return Reply(ok=True, result=result)


class ReplayProjection(AdminRequest):
    """Rebuild one projection into a fresh table generation and swap it in (operators)."""

    projection: str = Field(min_length=1, max_length=128)
    from_seq: int = Field(default=1, ge=1)
    dry_run: bool = Field(default=False, description="report what would change; swap nothing")
    progress_subject: str | None = Field(
        default=None, max_length=256, description="where to publish progress messages (a reply inbox)"
    )


class RetryDeadLetter(AdminRequest):
    """Apply a dead letter of this service again after a fix (operators); at most once."""

    dlq_seq: int = Field(ge=1, description="the dead letter's sequence in the DLQ stream")
    by: str = Field(min_length=1, max_length=128, description="the operator")
    reason: str = Field(default="", max_length=2000, description="e.g. the fix that was deployed")


class DeadLetters(AdminRequest):
    """This service's dead letters with their errors and resolutions (operators; `shopctl dlq
    list` reads the DLQ stream itself)."""

    include_resolved: bool = Field(default=False, description="retried and dropped ones too")
    limit: int = Field(default=200, ge=1, le=1000, description="the newest this many")


class DropDeadLetter(AdminRequest):
    """Give a dead letter of this service up (operators, as `shopctl dlq drop`); the reason is
    recorded and required."""

    dlq_seq: int = Field(ge=1, description="the dead letter's sequence in the DLQ stream")
    by: str = Field(min_length=1, max_length=128, description="the operator")
    reason: str = Field(min_length=1, max_length=2000, description="why it is dropped (recorded)")


class PauseProjection(AdminRequest):
    """Stop a projection's fetching; it keeps its place (operators, tests of `shopctl lag`)."""

    projection: str = Field(min_length=1, max_length=128)


class ResumeProjection(AdminRequest):
    projection: str = Field(min_length=1, max_length=128)


def admin_subject(service: str, name: str) -> str:
    return f"{service}.admin.{name}"
