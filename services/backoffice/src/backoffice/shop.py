"""The back office's way to the services (issue 18, decisions 0009 and 0010): requests over NATS
through FastStream's broker, connected as the NATS user `backoffice` with its own reply inboxes
`_INBOX_backoffice`.

The back office is the issuer for people who sign in: every request it sends for a person carries
a token minted for that one request (bound to its subject and body) with the person issuer's key,
naming the person and exactly the roles the identity service's grants give them
(`identity.queries.RolesOf`, asked as the program `shop-issuer`, IDN-6). The web layer reuses a
RolesOf answer at most `roles_fresh_s` (60 s). Every answer comes back typed (`ShopReply`): ok with
the result, or the error's code, message, rule id and the field paths of an `invalid` reply; no
answer at all is `unavailable` naming the subject.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import nats.errors
from pydantic import ValidationError

from jetstream_es.identity import Issuer
from jetstream_es.service.admin import AdminRequest, admin_subject
from jetstream_es.settings import progress_inbox
from shop_contracts.envelope import Actor
from shop_contracts.errors import ErrorCode, Reply
from shop_contracts.messages import Command, Query
from shop_contracts.queries.identity import RolesOf
from shop_contracts.subjects import command_subject, query_subject

ISSUER_PROGRAM = Actor(id="shop-issuer", roles=("identity_issuer",))
"""Who asks RolesOf: the person issuer program itself (IDN-6)."""


class Requester(Protocol):
    """What sends one request and returns the raw reply body (FastStream's broker in production)."""

    async def __call__(self, subject: str, body: bytes, headers: dict[str, str], seconds: float) -> bytes: ...


class Listener(Protocol):
    """Subscribes `on_message` to `subject` (core NATS) and returns how to unsubscribe: replay
    progress under the back office's own inbox (decision 0010)."""

    async def __call__(
        self, subject: str, on_message: Callable[[bytes], Awaitable[None]]
    ) -> Callable[[], Awaitable[None]]: ...


@dataclass(frozen=True)
class ShopReply:
    """A service's answer: `ok` with `result` (queries) or `aggregate_id`/`version` (commands), or
    the error's `code`, `message`, `rule` and, for `invalid`, `fields` (path -> problem)."""

    ok: bool
    result: Any = None
    aggregate_id: str | None = None
    version: int | None = None
    code: str | None = None
    message: str = ""
    rule: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, reply: Reply) -> ShopReply:
        if reply.ok or reply.error is None:
            return cls(True, reply.result, reply.aggregate_id, reply.version)
        error = reply.error
        details = error.details or []
        fields: dict[str, str] = {}
        for detail in details:
            name, problem = detail.get("field"), detail.get("problem")
            if isinstance(name, str) and isinstance(problem, str):
                fields.setdefault(name.removeprefix("body."), problem)
        return cls(
            False,
            code=str(error.code),
            message=error.message,
            rule=error.rule,
            fields=fields,
            details=details,
        )

    @classmethod
    def unavailable(cls, message: str) -> ShopReply:
        return cls(False, code=ErrorCode.UNAVAILABLE.value, message=message)


class Shop:
    """`command(service, cmd, actor)` and `query(service, query, actor)` with per-request tokens."""

    def __init__(
        self,
        send: Requester,
        issuer: Issuer,
        *,
        timeout: float = 10.0,
        listen: Listener | None = None,
        inbox_prefix: str = "_INBOX_backoffice",
    ) -> None:
        self._send, self._issuer, self.timeout = send, issuer, timeout
        self.listen, self.inbox_prefix = listen, inbox_prefix

    @staticmethod
    def new_command_id(prefix: str = "bo") -> str:
        return f"{prefix}-{uuid.uuid4().hex}"

    async def request(
        self,
        subject: str,
        body: bytes,
        actor: Actor | None,
        issuer: Issuer | None = None,
        *,
        seconds: float | None = None,
    ) -> ShopReply:
        signer = issuer or self._issuer
        headers = signer.headers(actor, subject, body) if actor is not None else {}
        seconds = seconds or self.timeout
        try:
            raw = await self._send(subject, body, headers, seconds)
        except nats.errors.NoRespondersError:
            return ShopReply.unavailable(f"nobody answers {subject}: is the service running?")
        except (nats.errors.TimeoutError, TimeoutError):
            return ShopReply.unavailable(f"no answer on {subject} within {seconds:g}s")
        try:
            return ShopReply.of(Reply.model_validate_json(raw))
        except ValidationError:
            return ShopReply.unavailable(f"the answer on {subject} is not a reply")

    async def command(
        self, service: str, command: Command, actor: Actor, issuer: Issuer | None = None
    ) -> ShopReply:
        """Send `command` as `actor`; the body's actor is the token's (decision 0009)."""
        if command.actor != actor:
            command = command.model_copy(update={"actor": actor})
        body = command.model_dump_json(exclude_none=True).encode()
        return await self.request(command_subject(service, command.command_name), body, actor, issuer)

    async def query(self, service: str, query: Query, actor: Actor) -> ShopReply:
        body = query.model_dump_json(exclude_none=True).encode()
        return await self.request(query_subject(service, query.query_name), body, actor)

    async def admin(
        self, service: str, request: AdminRequest, actor: Actor, *, seconds: float | None = None
    ) -> ShopReply:
        """An operators' request (`<service>.admin.<Name>`, what `shopctl` sends) signed for the
        person: the service refuses it unless they hold `operator` (decision 0009)."""
        body = request.model_dump_json(exclude_none=True).encode()
        return await self.request(admin_subject(service, request.admin_name), body, actor, seconds=seconds)

    def progress_subject(self, service: str) -> str:
        """A fresh subject under the back office's own inbox where `service` may publish a
        replay's progress (decision 0010)."""
        return progress_inbox(self.inbox_prefix, service, uuid.uuid4().hex)

    async def roles_of(self, person_id: str) -> tuple[str, ...] | ShopReply:
        """What the grants say `person_id` holds now (IDN-6), or the reply that says why not."""
        reply = await self.query("identity", RolesOf(person_id=person_id), ISSUER_PROGRAM)
        if not reply.ok:
            return reply
        return held_roles(reply.result)


def held_roles(result: Any) -> tuple[str, ...]:
    """The roles in a RolesOf answer: `{"roles": ["hr_dept", ...]}` (or `[{"role": ...}, ...]`)."""
    roles = result.get("roles", []) if isinstance(result, dict) else result or []
    out = [r if isinstance(r, str) else r.get("role") for r in roles if isinstance(r, str | dict)]
    return tuple(sorted({r for r in out if isinstance(r, str) and r}))
