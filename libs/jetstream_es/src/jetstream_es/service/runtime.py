"""The service runtime: what each service's `bootstrap.py` composes and runs.

It owns the NATS connection, the event store, the projection database, the clock, the command
and query endpoints (request/reply on plain NATS subscriptions, decision 0004), the projection
runners, the deadline scheduler and the health checks (NATS `<service>.queries.Health`, and HTTP `/healthz` `/readyz` when a port is set).

Operators' endpoints (what `shopctl` talks to) on `<service>.admin.<Name>`: `ReplayProjection`
(with `dry_run` and progress messages), `RetryDeadLetter`, `PauseProjection`, `ResumeProjection`.
Every service answers `<service>.queries.History` for the aggregates it appends to
(`jetstream_es.service.history`, issue 18).
The runtime is the service's one catalogue (decision 0007): the aggregates it appends to (each
`aggregates(KIND)` declares one), the command models with their handlers (`command_handlers`), the
queries, the projections and reactions with their durable consumers (`consumer_specs()`, what
provisioning, security permissions and the AsyncAPI documents read) and the schedulers.
Building a runtime connects nowhere; `store=` injects an event store (tests: the in-memory one,
`jetstream_es.testing.app`), otherwise `start()` binds the JetStream one.
Every request is answered, also when its reply cannot be sent as it is: a reply larger than the
server's max payload becomes a `too_large` error naming the size, the limit and how to page.
Every request's actor is proven (decision 0009): `start()` builds the `Verifier` of the trust file
(`SHOP_IDENTITY_TRUST`) before it connects, and refuses to start without one while verification
is on; the endpoints verify each request's token before its handler runs. Admin endpoints need
the role `operator`, `Health` no token.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import nats
import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import Clock, SimulationClock, SystemClock
from jetstream_es.commands import Aggregates, CommandHandler, CommandResult
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.errors import NotFound
from jetstream_es.identity import Verifier
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.projection.base import Projection
from jetstream_es.projection.runner import ProjectionRunner, RunnerSettings
from jetstream_es.provision import ConsumerSpec
from jetstream_es.roles import QueryRoles
from jetstream_es.service.admin import (
    A,
    AdminRequest,
    DeadLetters,
    DropDeadLetter,
    PauseProjection,
    ReplayProjection,
    ResumeProjection,
    RetryDeadLetter,
    admin_subject,
    drop_dead_letter,
    list_dead_letters,
    pause,
    replay,
    resume,
    retry_dead_letter,
    run_admin,
)
from jetstream_es.service.endpoints import (
    Run,
    run_command,
    run_operators,
    run_query,
    send_reply,
    start_endpoints,
)
from jetstream_es.service.health import _HealthQuery, health_report, serve_http
from jetstream_es.service.history import answer_history
from jetstream_es.settings import RuntimeSettings
from jetstream_es.sql import create_runtime_tables, make_engine
from jetstream_es.store import EventStore
from shop_contracts.errors import Reply
from shop_contracts.messages import Command, Query
from shop_contracts.queries.history import History
from shop_contracts.subjects import SIM_CLOCK_BUCKET, command_subject, health_subject, query_subject

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Command)
S = TypeVar("S")
Q = TypeVar("Q", bound=Query)


async def connect_nats(settings: RuntimeSettings, name: str) -> Client:
    options: dict[str, Any] = {
        "servers": [u.strip() for u in settings.nats_url.split(",")],
        "name": name,
        "connect_timeout": settings.connect_timeout,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "inbox_prefix": settings.inbox_prefix(name),  # its own reply inboxes (decision 0010)
    }
    if settings.nats_creds:
        options["user_credentials"] = str(settings.nats_creds)
    elif settings.nats_user:
        options["user"], options["password"] = settings.nats_user, settings.nats_password
    return await nats.connect(**options)


class ServiceRuntime:
    def __init__(
        self,
        name: str,
        settings: RuntimeSettings,
        database_url: str,
        *,
        clock: Clock | None = None,
        store: EventStore | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.database_url = database_url
        self.clock: Clock = clock or (SimulationClock() if settings.clock == "simulation" else SystemClock())
        self.commands = CommandHandler(self.clock)
        self.engine: AsyncEngine = make_engine(database_url)
        self.runners: list[ProjectionRunner] = []
        self.schedulers: list[DeadlineScheduler] = []
        self._projections: list[tuple[Projection, str]] = []
        self._nc: Client | None = None
        self._store: EventStore | None = store
        self._injected_store = store is not None
        self._http: asyncio.AbstractServer | None = None
        self._stop = asyncio.Event()
        self._endpoints: list[tuple[str, str, Run]] = []
        self.verifier: Verifier | None = None
        """Checks every request's actor token; built by `start()` (None: verification off, tests)."""
        self._in_flight: set[asyncio.Task[None]] = set()
        self.command_models: dict[str, type[Command]] = {}
        self.query_models: dict[str, type[Query]] = {}
        self.admin_models: dict[str, type[AdminRequest]] = {}
        self.command_handlers: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {}
        self.query_handlers: dict[type[Query], Callable[[Any], Awaitable[Any]]] = {}
        self.query_roles: QueryRoles | None = None
        """Who may read which query where the setting replaced a model's `read_roles` (decision
        0009); set by `configure_query_roles`, read per request."""
        self.anonymous_queries: set[str] = set()
        """Queries answered without an actor token (`Health`)."""
        self.appended: list[AggregateType[Any]] = []
        self._aggregates: dict[str, Aggregates[Any]] = {}
        self.query(_HealthQuery, self._health, subject=health_subject(name), anonymous=True)
        self.query(History, self._history)  # every aggregate's events, for record pages (issue 18)
        self._admin(ReplayProjection, self._replay)
        self._admin(RetryDeadLetter, self._retry_dead_letter)
        self._admin(PauseProjection, self._pause)
        self._admin(ResumeProjection, self._resume)
        self._admin(DeadLetters, self._dead_letters)  # the back office's operators (issue 18)
        self._admin(DropDeadLetter, self._drop_dead_letter)

    # -- wiring (before start) ------------------------------------------------------------

    @property
    def nc(self) -> Client:
        if self._nc is None:
            raise RuntimeError("service not started")
        return self._nc

    @property
    def store(self) -> EventStore:
        """The event store: the injected one, or JetStream's once started."""
        if self._store is None:
            raise RuntimeError("service not started")
        return self._store

    def aggregates(self, kind: AggregateType[S], *, cache_size: int | None = None) -> Aggregates[S]:
        """The runtime's repository and executor of aggregate type `kind` (one per type; the
        store is resolved on first use). Declares `kind` as appended by this service.
        `cache_size` bounds its state cache (default `aggregate_cache_size`; the first call sets it)."""
        known = self._aggregates.get(kind.name)
        if known is None:
            size = self.settings.aggregate_cache_size if cache_size is None else cache_size
            known = Aggregates(self.commands, lambda: self.store, kind, size)
            self._aggregates[kind.name] = known
            self.appended.append(kind)
        elif known.kind is not kind:
            raise ValueError(f"two aggregate types named {kind.name!r} in {self.name}")
        aggregates: Aggregates[S] = known
        return aggregates

    def command(self, model: type[C], handler: Callable[[C], Awaitable[CommandResult]]) -> None:
        if model in self.command_handlers:
            raise ValueError(f"command {model.command_name} of {self.name} has a handler already")
        self.command_handlers[model] = handler
        self.command_models[model.command_name] = model
        self._serve(
            command_subject(self.name, model.command_name),
            f"{self.name}-commands",
            lambda request: run_command(model, handler, request, self.verifier),
        )

    def query(
        self,
        model: type[Q],
        handler: Callable[[Q], Awaitable[Any]],
        *,
        subject: str | None = None,
        anonymous: bool = False,
    ) -> None:
        """Answer `model` to readers holding one of its `read_roles` (decision 0009); `anonymous`
        (the runtime's `Health` only) answers without a token."""
        if subject is None or subject == query_subject(self.name, model.query_name):
            self.query_models[model.query_name] = model
            self.query_handlers[model] = handler
        if anonymous:
            self.anonymous_queries.add(model.query_name)
        self._serve(
            subject or query_subject(self.name, model.query_name),
            f"{self.name}-queries",
            lambda request: run_query(
                model, handler, request, self.verifier, anonymous=anonymous, roles=self.query_roles
            ),
        )

    def configure_query_roles(self, raw: object, *, setting: str) -> QueryRoles:
        """Apply `<SERVICE>_QUERY_ROLES` (`setting`), a JSON object query -> roles replacing the
        `read_roles` of the queries it names, after the queries are wired. An unknown query or a bad
        role id raises RoleSettingError naming the setting, so the service does not start."""
        readable = set(self.query_models) - self.anonymous_queries
        self.query_roles = QueryRoles.from_setting(readable, raw, setting=setting)
        return self.query_roles

    def read_roles(self, model: type[Query]) -> tuple[str, ...] | None:
        """The roles that may read `model` here: the configured ones, else the model's default."""
        if self.query_roles is None:
            return model.read_roles
        return self.query_roles.read_roles(model.query_name, model.read_roles)

    def _admin(self, model: type[A], handler: Callable[[A], Awaitable[Any]]) -> None:
        self.admin_models[model.admin_name] = model
        self._serve(
            admin_subject(self.name, model.admin_name),
            f"{self.name}-queries",
            lambda request: run_operators(
                model.admin_name, lambda raw: run_admin(model, handler, raw), request, self.verifier
            ),
        )

    @property
    def projections(self) -> list[tuple[Projection, str]]:
        """The wired projections and reactions with their durable consumers (before and after start)."""
        return list(self._projections)

    def _serve(self, subject: str, queue: str, run: Run) -> None:
        """Answer requests on `subject` (from `start()` on), always with a reply."""
        self._endpoints.append((subject, queue, run))

    def endpoint(self, subject: str) -> Run:
        """What answers requests on `subject` (the in-process tests' way to a query endpoint)."""
        for served, _queue, run in self._endpoints:
            if served == subject:
                return run
        raise LookupError(f"{self.name} serves nothing on {subject}")

    async def _start_endpoints(self) -> None:
        await start_endpoints(self)

    async def _reply(self, msg: Msg, reply: Reply) -> None:
        await send_reply(self, msg, reply)

    def projection(self, projection: Projection) -> None:
        """Run `projection` (or reaction) on its durable consumer, `durable_for(service)`: the
        class's `durable`, or one derived from its name (decision 0007)."""
        if not type(projection).sources:
            raise TypeError(
                f"projection {projection.name} of {self.name} names no `sources` "
                "(its source aggregates, from shop_contracts.aggregates; decision 0007)"
            )
        durable = type(projection).durable_for(self.name)
        for known, known_durable in self._projections:
            if known.name == projection.name or known_durable == durable:
                raise ValueError(f"projection {projection.name} ({durable}) of {self.name} is wired twice")
        self._projections.append((projection, durable))

    def consumer_specs(self) -> tuple[ConsumerSpec, ...]:
        """The durable consumers this service's projections and reactions need (provisioning)."""
        return tuple(type(p).consumer_spec(self.name, durable) for p, durable in self._projections)

    def runner(self, projection_name: str) -> ProjectionRunner:
        """The running runner of a projection (its `tables` are what queries read)."""
        for runner in self.runners:
            if runner.projection.name == projection_name:
                return runner
        known = ", ".join(sorted(r.projection.name for r in self.runners)) or "none"
        raise NotFound(f"no projection {projection_name!r} in {self.name}; known: {known}")

    async def _until_answering(self, seconds: float = 10.0) -> None:
        """Return once this service's own health query is answered: its subscriptions are live."""
        async with asyncio.timeout(seconds):
            while True:
                try:
                    await self.nc.request(health_subject(self.name), b"{}", timeout=0.5)
                    return
                except (nats.errors.NoRespondersError, nats.errors.TimeoutError):
                    await asyncio.sleep(0.02)

    def scheduler(self, scheduler: DeadlineScheduler) -> None:
        self.schedulers.append(scheduler)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self.verifier = self.settings.verifier()  # no trust file, no start (decision 0009)
        if self.verifier is None:
            log.warning("identity_verification_off", service=self.name, setting="SHOP_IDENTITY_VERIFY")
        self._nc = await connect_nats(self.settings, f"{self.name}-runtime")
        if not self._injected_store:
            self._store = JetStreamEventStore(self._nc, self.name, timeout=self.settings.request_timeout)
        if isinstance(self.clock, SimulationClock):
            await self.clock.attach(self._nc, SIM_CLOCK_BUCKET)
        await create_runtime_tables(self.engine)
        runner_settings = RunnerSettings(
            batch_size=self.settings.projection_batch_size, max_deliver=self.settings.max_deliver
        )
        for projection, consumer in self._projections:
            runner = ProjectionRunner(
                self._nc,
                self.engine,
                projection,
                service=self.name,
                consumer=consumer,
                clock=self.clock,
                settings=runner_settings,
            )
            await runner.start()
            self.runners.append(runner)
        for scheduler in self.schedulers:
            await scheduler.start()
        await self._start_endpoints()
        await self._until_answering()
        if self.settings.health_port is not None:
            self._http = await asyncio.start_server(
                self._serve_http, self.settings.health_host, self.settings.health_port
            )
            bound = self._http.sockets[0].getsockname()
            log.info("health_listening", service=self.name, url=f"http://{bound[0]}:{bound[1]}/healthz")
        log.info("service_started", service=self.name, clock=type(self.clock).__name__)

    async def stop(self) -> None:
        if self._http is not None:
            self._http.close()
        if self._in_flight:  # let requests being answered finish (bounded)
            await asyncio.wait(set(self._in_flight), timeout=5.0)
        for scheduler in self.schedulers:
            await scheduler.stop()
        for runner in self.runners:
            await runner.stop()
        if isinstance(self.clock, SimulationClock):
            await self.clock.detach()
        if isinstance(self._store, JetStreamEventStore):
            await self._store.close()
        if self._nc is not None:
            try:
                await asyncio.wait_for(self._nc.drain(), 5.0)
            except Exception as exc:
                log.warning("nats_drain_incomplete", error=repr(exc))
                await self._nc.close()
        await self.engine.dispose()
        log.info("service_stopped", service=self.name)

    async def run(self) -> None:
        """Start, serve until SIGINT/SIGTERM, stop cleanly."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stop.set)
        await self.start()
        try:
            await self._stop.wait()
        finally:
            await self.stop()

    # -- health ----------------------------------------------------------------------------
    async def health(self) -> dict[str, Any]:
        """The health report (`jetstream_es.service.health`)."""
        return await health_report(self)

    async def _health(self, _query: _HealthQuery) -> dict[str, Any]:
        return await self.health()

    async def _history(self, query: History) -> dict[str, Any]:
        return await answer_history(self, query)

    async def _replay(self, query: ReplayProjection) -> dict[str, Any]:
        return await replay(self, query)

    async def _retry_dead_letter(self, query: RetryDeadLetter) -> dict[str, Any]:
        return await retry_dead_letter(self, query)

    async def _dead_letters(self, query: DeadLetters) -> dict[str, Any]:
        return await list_dead_letters(self, query)

    async def _drop_dead_letter(self, query: DropDeadLetter) -> dict[str, Any]:
        return await drop_dead_letter(self, query)

    async def _pause(self, query: PauseProjection) -> dict[str, Any]:
        return await pause(self, query)

    async def _resume(self, query: ResumeProjection) -> dict[str, Any]:
        return await resume(self, query)

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_http(self, reader, writer)
