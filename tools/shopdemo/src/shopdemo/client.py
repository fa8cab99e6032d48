"""A client of the running shop: commands, queries, the simulation clock and quiescence.

It speaks only the public wire contract (ARCHITECTURE.md): request/reply on
`<service>.commands.<Name>` and `<service>.queries.<Name>`, JSON bodies, `Reply` envelopes.
A refused command raises `Refused` with the service's error code, message and rule id, so a
caller never mistakes a refusal for success. With an `Identity` (shopdemo.identity) every command
and query carries an actor token minted for it: the body's actor is the token's (the person with
the roles the grants give them, a program as itself); queries are asked as `actor`, else as the
client's `reader`; `Health` needs no token.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout

from jetstream_es.clock import SimulationDriver
from jetstream_es.provision import installed_services
from shop_contracts.subjects import SERVICES, SIM_CLOCK_BUCKET, command_subject, query_subject
from shopdemo.identity import Identity


def shop_services() -> tuple[str, ...]:
    """The services this shop runs: those of `SERVICES` installed here (entry points `shop.services`),
    so a shop without a service the contracts already name (a new one not yet deployed) is still
    driven and quiesced whole."""
    installed = {spec.name for spec in installed_services()}
    return tuple(name for name in SERVICES if name in installed)


@dataclass
class Refused(Exception):
    """A service answered a command or query with an error."""

    service: str
    name: str
    code: str
    message: str
    rule: str | None = None
    details: Any = None

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.service}.{self.name} refused ({self.code}){rule}: {self.message}"


class Unreachable(Exception):
    """Nobody answered: the service is down or the URL is wrong."""


@dataclass(frozen=True)
class Actor:
    id: str
    roles: tuple[str, ...]

    def wire(self) -> dict[str, Any]:
        return {"id": self.id, "roles": list(self.roles)}


@dataclass
class ShopClient:
    """Sends commands and queries; command ids are `<prefix>-<n>` so a seeded run is repeatable."""

    nc: Client
    prefix: str = "cmd"
    timeout: float = 10.0
    identity: Identity | None = None
    reader: Actor | None = None
    sent: int = 0
    refused: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_command_id(self) -> str:
        return f"{self.prefix}-{next(self._ids)}"

    async def _request(
        self, subject: str, body: Mapping[str, Any], actor: Actor | None = None
    ) -> dict[str, Any]:
        data = json.dumps(body, default=str).encode()
        headers: dict[str, str] | None = None
        if actor is not None and self.identity is not None:
            issuer, proven = await self.identity.signer(actor.id)
            headers = issuer.headers(proven, subject, data)
        try:
            msg = await self.nc.request(subject, data, timeout=self.timeout, headers=headers)
        except (NoRespondersError, NatsTimeout) as exc:
            raise Unreachable(f"no answer on {subject}: {type(exc).__name__}") from None
        reply: dict[str, Any] = json.loads(msg.data)
        return reply

    async def proven(self, actor: Actor) -> Actor:
        """The actor a token for `actor` names: a person with the roles the grants give them
        (granted on first sight, shopdemo.identity), a program as itself; `actor` without identity."""
        if self.identity is None:
            return actor
        await self.identity.ensure(actor.id, actor.roles)
        _issuer, proven = await self.identity.signer(actor.id)
        return Actor(proven.id, proven.roles)

    async def send(
        self,
        service: str,
        command: str,
        body: Mapping[str, Any],
        *,
        actor: Actor,
        command_id: str | None = None,
    ) -> dict[str, Any]:
        """Send one command; the reply on success, `Refused` otherwise."""
        proven = await self.proven(actor)
        payload = {"command_id": command_id or self.next_command_id(), "actor": proven.wire(), **body}
        self.sent += 1
        reply = await self._request(command_subject(service, command), payload, proven)
        if not reply.get("ok"):
            self.refused += 1
            error = reply.get("error") or {}
            raise Refused(
                service,
                command,
                error.get("code", "?"),
                error.get("message", ""),
                error.get("rule"),
                error.get("details"),
            )
        return reply

    async def query(
        self, service: str, query: str, body: Mapping[str, Any] | None = None, *, actor: Actor | None = None
    ) -> Any:
        """Ask a query as `actor` (else the client's `reader`; `Health` as nobody)."""
        reader = None if query == "Health" else actor or self.reader
        if reader is not None:
            reader = await self.proven(reader)
        reply = await self._request(query_subject(service, query), body or {}, reader)
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise Refused(
                service,
                query,
                error.get("code", "?"),
                error.get("message", ""),
                error.get("rule"),
                error.get("details"),
            )
        return reply.get("result")

    async def quiesce(
        self, services: Iterable[str] | None = None, *, within: float = 60.0, settle: int = 2
    ) -> None:
        """Wait until every projection and reaction of `services` has nothing pending, `settle`
        times in a row (a reaction's commands make new events for others to consume)."""
        names = shop_services() if services is None else tuple(services)
        deadline = time.monotonic() + within
        quiet = 0
        while True:
            pending = 0
            for service in names:
                health = await self.query(service, "Health")
                pending += sum(int(p.get("pending", 1)) for p in health["projections"])
            quiet = quiet + 1 if pending == 0 else 0
            if quiet >= settle:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"projections still had {pending} events pending after {within}s")
            await asyncio.sleep(0.1)


@dataclass
class SimClock:
    """The simulation clock every service follows (SHOP_CLOCK=simulation)."""

    client: ShopClient

    @property
    def driver(self) -> SimulationDriver:
        return SimulationDriver(self.client.nc, SIM_CLOCK_BUCKET)

    async def now(self) -> datetime | None:
        return await self.driver.now()

    async def set(self, when: datetime, services: Iterable[str] | None = None, within: float = 10.0) -> None:
        """Move the clock and wait until every service reports the new time."""
        await self.driver.set(when)
        names = shop_services() if services is None else tuple(services)
        deadline = time.monotonic() + within
        while True:
            seen = [datetime.fromisoformat((await self.client.query(s, "Health"))["now"]) for s in names]
            if all(t == when for t in seen):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"services did not follow the simulation clock to {when}: {seen}")
            await asyncio.sleep(0.05)
