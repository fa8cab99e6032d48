"""Request/reply plumbing: raw NATS request → validated command → handler → reply.

Every request gets a reply (a FastStream handler that raises sends none and the caller times
out): validation errors become `invalid` with the field paths, domain errors their own code with
the rule id, store outages `unavailable`; an unexpected error is logged and answered, never fatal.

Bodies are validated strictly (decision 0005): a JSON value of the wrong type is `invalid` at its
path. Every `invalid` names its fields: a model validator's `FieldError` and the domain's
`InvalidCommand` list theirs. An aggregate whose history this code cannot read is answered
`unreadable_history` (permanent), and a reply too large for one NATS message `too_large`.

Identity (decision 0009): every request's `Shop-Actor-Token` is verified against its subject and
raw body before anything else is read. A command's body may omit `actor`; one that is present
must equal the token's (`body_actor_mismatch` otherwise); the token's actor is put into the
command, which is then validated strictly as before. A query's reader must hold one of its
`read_roles` (`read_role_required`); `Health` needs no token. Handlers find the proven actor in
`jetstream_es.identity.current_actor()`. Every refusal is `forbidden` with its reason in `details`
and runs no handler, so nothing is appended.

Serving (decisions 0004, 0010): `start_endpoints` subscribes one queue group per kind
(`<svc>.commands.*`, `.queries.*`, `.admin.*`) that dispatches by the subject's last token, and
runs each request as its own task (at most `handler_concurrency`); a name nobody serves is
answered `invalid` by the same subscription instead of a time-out, so each request gets exactly
one reply. `send_reply` sends the reply, or `too_large` when it exceeds the server's max payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

import nats.errors
import structlog
from nats.aio.msg import Msg
from pydantic import BaseModel, ValidationError

from jetstream_es.commands import CommandResult, handling
from jetstream_es.errors import (
    DomainError,
    EventStoreError,
    Forbidden,
    InvalidAggregateId,
    StreamUnavailable,
    UnreadableHistory,
)
from jetstream_es.identity import IdentityRefused, Verifier, acting_as
from jetstream_es.roles import QueryRoles
from shop_contracts.envelope import Actor
from shop_contracts.errors import ErrorCode, Reply
from shop_contracts.headers import Header
from shop_contracts.messages import Command, FieldError, Query, validate_wire

if TYPE_CHECKING:
    from jetstream_es.service.runtime import ServiceRuntime

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Command)
Q = TypeVar("Q", bound=Query)


def validation_reply(exc: ValidationError, what: str) -> Reply:
    details: list[dict[str, Any]] = []
    for err in exc.errors(include_url=False, include_input=False):
        path = [str(p) for p in err["loc"]]
        cause = (err.get("ctx") or {}).get("error")
        names = cause.fields if isinstance(cause, FieldError) else (None,)
        problem = str(cause) if isinstance(cause, FieldError) else err["msg"]
        for name in names:
            field = ".".join([*path, name] if name else path) or "(body)"
            details.append({"field": field, "problem": problem, "type": err["type"]})
    fields = ", ".join(dict.fromkeys(d["field"] for d in details[:5]))
    return Reply.failure(ErrorCode.INVALID, f"{what} is not valid: {fields}", details=details)


def too_large_reply(size: int, limit: int, subject: str) -> Reply:
    """The answer to a request whose reply does not fit one NATS message."""
    return Reply.failure(
        ErrorCode.TOO_LARGE,
        f"the reply to {subject} is {size} bytes, more than the NATS max payload of {limit} bytes; "
        "ask for less: a page (the query's limit and cursor or offset) or a narrower range",
        details=[{"size": size, "limit": limit}],
    )


def _fields_holding(request: BaseModel | None, value: str) -> list[str]:
    """The top-level fields of `request` whose value is `value` (where a bad aggregate id came from)."""
    if request is None:
        return []
    return [name for name in type(request).model_fields if getattr(request, name, None) == value]


def error_reply(exc: BaseException, request: BaseModel | None = None) -> Reply:
    if isinstance(exc, DomainError):
        return Reply.failure(exc.code, exc.message, exc.rule, exc.details)
    if isinstance(exc, InvalidAggregateId):
        fields = _fields_holding(request, exc.aggregate_id) or ["(aggregate id)"]
        return Reply.failure(
            ErrorCode.INVALID,
            str(exc),
            details=[{"field": name, "problem": str(exc), "type": "invalid"} for name in fields],
        )
    if isinstance(exc, UnreadableHistory):
        return Reply.failure(
            ErrorCode.UNREADABLE_HISTORY,
            f"{exc}; retrying will not help: an operator must deploy code that reads it "
            "(an upcaster or the event's model)",
            details=[
                {
                    "aggregate_type": exc.aggregate_type,
                    "aggregate_id": exc.aggregate_id,
                    "stream_seq": exc.stream_seq,
                    "reason": exc.reason,
                }
            ],
        )
    if isinstance(exc, StreamUnavailable):
        return Reply.failure(ErrorCode.UNAVAILABLE, f"event store unavailable, nothing was recorded: {exc}")
    if isinstance(exc, EventStoreError):
        return Reply.failure(ErrorCode.UNAVAILABLE, f"event store refused the append: {exc}")
    return Reply.failure(ErrorCode.UNAVAILABLE, f"internal error ({type(exc).__name__}); it was logged")


def parse(model: type[BaseModel], raw: bytes) -> BaseModel | Reply:
    try:
        return validate_wire(model, raw or b"{}")
    except ValidationError as exc:
        return validation_reply(exc, model.__name__)


READ_ROLE_REQUIRED: Final = "read_role_required"
"""The `forbidden` reason of a query whose reader holds none of its `read_roles`."""
NOT_OWN_DATA: Final = "not_own_data"
"""The `forbidden` reason of a handler's own-data check (`identity.require_own_or`)."""


@dataclass(frozen=True)
class Request:
    """One request as received: what its actor token is verified against (subject, exact body)."""

    subject: str
    body: bytes
    token: str | None = None

    @classmethod
    def of(cls, msg: Msg) -> Request:
        return cls(msg.subject, msg.data, (msg.headers or {}).get(Header.ACTOR_TOKEN))


Run = Callable[[Request], Awaitable[Reply]]


def _request(request: Request | bytes) -> Request:
    return request if isinstance(request, Request) else Request("", request)


def _prove(verifier: Verifier | None, request: Request) -> Actor | Reply | None:
    """The token's actor, a `forbidden` reply naming why it is refused, or None (verification off)."""
    if verifier is None:
        return None
    try:
        return verifier.verify(request.token, request.subject, request.body)
    except IdentityRefused as exc:
        log.warning("request_refused", subject=request.subject, reason=exc.reason)
        return error_reply(exc)


def with_actor(raw: bytes, actor: Actor) -> bytes | Reply:
    """The command body carrying the token's `actor`: inserted when the body has none; when it has
    one, it must be the token's (id and roles), or the reply is `forbidden` (`body_actor_mismatch`).
    A body that is not a JSON object, or whose actor is malformed, is left for the model to refuse."""
    try:
        document = json.loads(raw or b"{}")
    except ValueError:
        return raw
    if not isinstance(document, dict):
        return raw
    if "actor" in document:
        try:
            claimed = validate_wire(Actor, json.dumps(document["actor"]))
        except ValidationError:
            return raw  # `invalid` at actor.<field>, as before
        if claimed.id != actor.id or set(claimed.roles) != set(actor.roles):
            refusal = IdentityRefused(
                "body_actor_mismatch",
                f"the body names the actor {claimed.id} with roles [{', '.join(claimed.roles)}], the token "
                f"{actor.id} with [{', '.join(actor.roles)}]; leave actor out or send the token's",
            )
            log.warning("request_refused", actor=actor.id, claimed=claimed.id, reason=refusal.reason)
            return error_reply(refusal)
        return raw
    inner = (raw or b"{}").lstrip()[1:]  # the object's members after its "{", exactly as sent
    return b'{"actor":' + actor.model_dump_json().encode() + (b"," if document else b"") + inner


async def run_command(
    model: type[C],
    handler: Callable[[C], Awaitable[CommandResult]],
    request: Request | bytes,
    verifier: Verifier | None = None,
) -> Reply:
    """Verify the request's token, put its actor into the body, validate, handle, reply. Without a
    verifier (verification off, tests) the body's own actor is taken as it is."""
    request = _request(request)
    proven = _prove(verifier, request)
    if isinstance(proven, Reply):
        return proven
    body = request.body if proven is None else with_actor(request.body, proven)
    if isinstance(body, Reply):
        return body
    parsed = parse(model, body)
    if isinstance(parsed, Reply):
        return parsed
    assert isinstance(parsed, model)
    if proven is not None and parsed.actor != proven:  # the same roles in another order
        parsed = parsed.model_copy(update={"actor": proven})
    with (
        structlog.contextvars.bound_contextvars(
            command=model.command_name,
            command_id=parsed.command_id,
            correlation_id=parsed.correlation_id or parsed.command_id,
            causation_id=parsed.command_id,
            actor=parsed.actor.id,
        ),
        acting_as(parsed.actor),
    ):
        try:
            with handling(parsed):
                result = await handler(parsed)
        except Exception as exc:
            reply = error_reply(exc, parsed)
            code = reply.error and reply.error.code
            if isinstance(exc, DomainError | InvalidAggregateId):
                log.warning("command_refused", code=code, error=str(exc))
            else:  # a defect or an outage: the operator needs where it happened, not only what
                log.error("command_refused", code=code, error=str(exc), exc_info=exc)
            return reply
    return Reply(
        ok=True, aggregate_id=result.aggregate_id, version=result.version, events=list(result.event_ids)
    )


def may_read(model: type[Query], actor: Actor, configured: QueryRoles | None = None) -> Reply | None:
    """None when `actor` holds one of the query's read roles (or it has none); else `forbidden`.
    The roles are `configured`'s (`<SERVICE>_QUERY_ROLES`) for the queries it names, else the
    model's `read_roles`."""
    roles = (
        model.read_roles if configured is None else configured.read_roles(model.query_name, model.read_roles)
    )
    if roles is None or actor.has_any(*roles):
        return None
    refusal = Forbidden(
        f"{model.query_name} is read by {' or '.join(roles)}; {actor.id} holds none of them",
        model.read_rule,
        details=[{"reason": READ_ROLE_REQUIRED, "roles": list(roles)}],
    )
    log.warning("query_refused", query=model.query_name, actor=actor.id, reason=READ_ROLE_REQUIRED)
    return error_reply(refusal)


async def run_query(
    model: type[Q],
    handler: Callable[[Q], Awaitable[Any]],
    request: Request | bytes,
    verifier: Verifier | None = None,
    *,
    anonymous: bool = False,
    roles: QueryRoles | None = None,
) -> Reply:
    """Verify the request's token and the reader's roles (unless `anonymous`: `Health`), validate,
    handle with the reader as `current_actor()`, reply. `roles`: the configured read roles
    (`<SERVICE>_QUERY_ROLES`) replacing the model's default for the queries they name."""
    request = _request(request)
    proven = None if anonymous else _prove(verifier, request)
    if isinstance(proven, Reply):
        return proven
    if proven is not None and (refused := may_read(model, proven, roles)) is not None:
        return refused
    parsed = parse(model, request.body)
    if isinstance(parsed, Reply):
        return parsed
    assert isinstance(parsed, model)
    try:
        with acting_as(proven) if proven is not None else contextlib.nullcontext(None):
            result = await handler(parsed)
    except Exception as exc:
        if isinstance(exc, DomainError | InvalidAggregateId):
            log.warning("query_failed", query=model.query_name, error=repr(exc))
        else:  # a defect or an outage: with its traceback
            log.error("query_failed", query=model.query_name, error=repr(exc), exc_info=exc)
        return error_reply(exc, parsed)
    return Reply(ok=True, result=result)


OPERATOR: Final = "operator"
"""The role the operators' admin endpoints (`<service>.admin.*`) need (decision 0009)."""


async def run_operators(
    name: str, run: Callable[[bytes], Awaitable[Reply]], request: Request | bytes, verifier: Verifier | None
) -> Reply:
    """An admin request: its token verified and its actor holding `operator`, then `run(body)`
    with the operator as `current_actor()`."""
    request = _request(request)
    proven = _prove(verifier, request)
    if isinstance(proven, Reply):
        return proven
    if proven is None:
        return await run(request.body)
    if not proven.has_any(OPERATOR):
        log.warning("admin_refused", request=name, actor=proven.id, reason=READ_ROLE_REQUIRED)
        return error_reply(
            Forbidden(
                f"{name} is an operators' endpoint: it needs the role {OPERATOR}; {proven.id} does not hold it",
                details=[{"reason": READ_ROLE_REQUIRED, "roles": [OPERATOR]}],
            )
        )
    with acting_as(proven):
        return await run(request.body)


SERVED_KINDS: Final = ("commands", "queries", "admin")
"""The request kinds a service answers, each through one queue subscription `<svc>.<kind>.*`."""


def unknown_reply(runtime: ServiceRuntime, kind: str, name: str, known: set[str]) -> Reply:
    """`invalid` for a request to a command, query or admin request nobody serves here."""
    what = {"commands": "command", "queries": "query"}.get(kind, "admin request")
    listed = ", ".join(sorted(known)) or "none"
    problem = f"unknown {what} {name!r} for {runtime.name}; known: {listed}"
    return Reply.failure(
        ErrorCode.INVALID,
        problem,
        details=[{"field": "(subject)", "problem": problem, "type": f"unknown_{what.replace(' ', '_')}"}],
    )


def dispatch_table(runtime: ServiceRuntime) -> tuple[dict[str, dict[str, Run]], list[tuple[str, str, Run]]]:
    """The runtime's endpoints by kind and last token (`<svc>.<kind>.<name>`), and the others
    (a subject outside those three patterns), which keep a subscription of their own."""
    by_kind: dict[str, dict[str, Run]] = {kind: {} for kind in SERVED_KINDS}
    others: list[tuple[str, str, Run]] = []
    for subject, queue, run in runtime._endpoints:
        service, _, rest = subject.partition(".")
        kind, _, name = rest.partition(".")
        if service == runtime.name and kind in by_kind and name and "." not in name:
            by_kind[kind][name] = run
        else:
            others.append((subject, queue, run))
    return by_kind, others


async def start_endpoints(runtime: ServiceRuntime) -> None:
    """ONE queue subscription per kind (`<svc>.commands.*`, `.queries.*`, `.admin.*`, decision
    0010) dispatching by the subject's last token to its handler, or answering an unknown name
    `invalid`: every request reaches one subscription and gets exactly one reply, so the
    services' `allow_responses` is `max: 1`. Each request runs as its own task, at most
    `handler_concurrency` at a time (the subscription waits when that many are running)."""
    slots = asyncio.Semaphore(runtime.settings.handler_concurrency)
    by_kind, others = dispatch_table(runtime)

    async def answer(msg: Msg, run: Run) -> None:
        try:
            await send_reply(runtime, msg, await run(Request.of(msg)))
        finally:
            slots.release()

    async def dispatch(msg: Msg, run: Run) -> None:
        if not msg.reply:
            log.warning("request_without_reply_subject", subject=msg.subject)
            return
        await slots.acquire()
        task = asyncio.create_task(answer(msg, run))
        runtime._in_flight.add(task)
        task.add_done_callback(runtime._in_flight.discard)

    for kind, runs in by_kind.items():

        async def on_request(msg: Msg, kind: str = kind, runs: dict[str, Run] = runs) -> None:
            name = msg.subject.rsplit(".", 1)[-1]
            run = runs.get(name)
            if run is None:
                if msg.reply:
                    await send_reply(runtime, msg, unknown_reply(runtime, kind, name, set(runs)))
                return
            await dispatch(msg, run)

        await runtime.nc.subscribe(f"{runtime.name}.{kind}.*", queue=f"{runtime.name}-{kind}", cb=on_request)

    for subject, queue, run in others:

        async def on_other(msg: Msg, run: Run = run) -> None:
            await dispatch(msg, run)

        await runtime.nc.subscribe(subject, queue=queue, cb=on_other)


async def send_reply(runtime: ServiceRuntime, msg: Msg, reply: Reply) -> None:
    """Send `reply`, or, when it cannot be sent as it is, an error that says why (decision 0005):
    a reply larger than the server's max payload is answered `too_large` with its size."""
    try:
        data = reply.model_dump_json(exclude_none=True).encode()
    except Exception as exc:  # a handler returned something that is not JSON
        log.error("reply_not_serialisable", subject=msg.subject, error=repr(exc))
        data = _encoded(
            Reply.failure(ErrorCode.UNAVAILABLE, f"internal error ({type(exc).__name__}); it was logged")
        )
    limit = runtime.nc.max_payload
    if len(data) > limit:
        log.error("reply_too_large", subject=msg.subject, size=len(data), limit=limit)
        data = _encoded(too_large_reply(len(data), limit, msg.subject))
    try:
        await runtime.nc.publish(msg.reply, data)
    except nats.errors.MaxPayloadError:
        log.error("reply_too_large", subject=msg.subject, size=len(data), limit=limit)
        await runtime.nc.publish(msg.reply, _encoded(too_large_reply(len(data), limit, msg.subject)))


def _encoded(reply: Reply) -> bytes:
    return reply.model_dump_json(exclude_none=True).encode()
