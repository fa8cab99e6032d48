"""The service runtime: what each service's `bootstrap.py` composes and runs.

It owns the NATS connection, the event store, the projection database, the clock, the command
and query endpoints (request/reply on plain NATS subscriptions, decision 0004), the projection
runners, the deadline scheduler and the health checks (NATS `<service>.queries.Health`, and HTTP `/healthz` `/readyz` when a port is set).

Operators' endpoints (what `shopctl` talks to) on `<service>.admin.<Name>`: `ReplayProjection`
(with `dry_run` and progress messages), `RetryDeadLetter`, `PauseProjection`, `ResumeProjection`.
The runtime is the service's one catalogue (decision 0007): the aggregates it appends to (each
`aggregates(KIND)` declares one), the command models with their handlers (`command_handlers`), the
queries, the projections and reactions with their durable consumers (`consumer_specs()`, what
provisioning, security permissions and the AsyncAPI documents read) and the schedulers.
Building a runtime connects nowhere; `store=` injects an event store (tests: the in-memory one,
`jetstream_es.testing.app`), otherwise `start()` binds the JetStream one.
Every request is answered, also when its reply cannot be sent as it is: a reply larger than the
server's max payload becomes a `too_large` error naming the size, the limit and how to page.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import signal
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import nats
import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import Clock, SimulationClock, SystemClock
from jetstream_es.commands import Aggregates, CommandHandler, CommandResult
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.dlq import DeadLetterError, dead_letter, original_headers, resolve
from jetstream_es.endpoints import run_command, run_query, too_large_reply
from jetstream_es.errors import Conflict, InvalidCommand, NotFound
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.projection import (
    DeadLetterRefused,
    Projection,
    ProjectionRunner,
    RebuildProgress,
    RunnerSettings,
)
from jetstream_es.provision import ConsumerSpec
from jetstream_es.settings import RuntimeSettings
from jetstream_es.sql import create_runtime_tables, make_engine
from jetstream_es.store import EventStore
from shop_contracts.errors import ErrorCode, Reply
from shop_contracts.messages import Command, Query
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
        self._endpoints: list[tuple[str, str, Callable[[bytes], Awaitable[Reply]]]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._known: dict[str, set[str]] = {"commands": set(), "queries": set()}
        self.command_models: dict[str, type[Command]] = {}
        self.query_models: dict[str, type[Query]] = {}
        self.admin_models: dict[str, type[Query]] = {}
        self.command_handlers: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {}
        self.query_handlers: dict[type[Query], Callable[[Any], Awaitable[Any]]] = {}
        self.appended: list[AggregateType[Any]] = []
        self._aggregates: dict[str, Aggregates[Any]] = {}
        self.query(_HealthQuery, self._health, subject=health_subject(name))
        self._admin(ReplayProjection, self._replay)
        self._admin(RetryDeadLetter, self._retry_dead_letter)
        self._admin(PauseProjection, self._pause)
        self._admin(ResumeProjection, self._resume)

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
            self.publishes(kind)
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
            lambda raw: run_command(model, handler, raw),
        )

    def query(
        self, model: type[Q], handler: Callable[[Q], Awaitable[Any]], *, subject: str | None = None
    ) -> None:
        if subject is None or subject == query_subject(self.name, model.query_name):
            self.query_models[model.query_name] = model
            self.query_handlers[model] = handler
        self._serve(
            subject or query_subject(self.name, model.query_name),
            f"{self.name}-queries",
            lambda raw: run_query(model, handler, raw),
        )

    def _admin(self, model: type[Q], handler: Callable[[Q], Awaitable[Any]]) -> None:
        self.admin_models[model.query_name] = model
        self.query(model, handler, subject=admin_subject(self.name, model.query_name))

    @property
    def projections(self) -> list[tuple[Projection, str]]:
        """The wired projections and reactions with their durable consumers (before and after start)."""
        return list(self._projections)

    def _serve(self, subject: str, queue: str, run: Callable[[bytes], Awaitable[Reply]]) -> None:
        """Answer requests on `subject` (from `start()` on), always with a reply."""
        kind, _, served = subject.removeprefix(f"{self.name}.").partition(".")
        if kind in self._known:
            self._known[kind].add(served)
        self._endpoints.append((subject, queue, run))

    async def _start_endpoints(self) -> None:
        """One queue subscription per subject; each request runs as its own task, at most
        `handler_concurrency` at a time (the subscription waits when that many are running)."""
        slots = asyncio.Semaphore(self.settings.handler_concurrency)

        async def answer(msg: Msg, run: Callable[[bytes], Awaitable[Reply]]) -> None:
            try:
                await self._reply(msg, await run(msg.data))
            finally:
                slots.release()

        for subject, queue, run in self._endpoints:

            async def on_request(msg: Msg, run: Callable[[bytes], Awaitable[Reply]] = run) -> None:
                if not msg.reply:
                    log.warning("request_without_reply_subject", subject=msg.subject)
                    return
                await slots.acquire()
                task = asyncio.create_task(answer(msg, run))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)

            await self.nc.subscribe(subject, queue=queue, cb=on_request)

    async def _reply(self, msg: Msg, reply: Reply) -> None:
        """Send `reply`, or, when it cannot be sent as it is, an error that says why (decision 0005):
        a reply larger than the server's max payload is answered `too_large` with its size."""
        try:
            data = reply.model_dump_json(exclude_none=True).encode()
        except Exception as exc:  # a handler returned something that is not JSON
            log.error("reply_not_serialisable", subject=msg.subject, error=repr(exc))
            data = _encoded(
                Reply.failure(ErrorCode.UNAVAILABLE, f"internal error ({type(exc).__name__}); it was logged")
            )
        limit = self.nc.max_payload
        if len(data) > limit:
            log.error("reply_too_large", subject=msg.subject, size=len(data), limit=limit)
            data = _encoded(too_large_reply(len(data), limit, msg.subject))
        try:
            await self.nc.publish(msg.reply, data)
        except nats.errors.MaxPayloadError:
            log.error("reply_too_large", subject=msg.subject, size=len(data), limit=limit)
            await self.nc.publish(msg.reply, _encoded(too_large_reply(len(data), limit, msg.subject)))

    def projection(self, projection: Projection, consumer: str | None = None) -> None:
        """Run `projection` (or reaction) on its durable consumer, `durable_for(service)` (from
        its name). `consumer` names another durable (older style, until every service's
        projections declare `sources`)."""
        durable = consumer or type(projection).durable_for(self.name)
        for known, known_durable in self._projections:
            if known.name == projection.name or known_durable == durable:
                raise ValueError(f"projection {projection.name} ({durable}) of {self.name} is wired twice")
        self._projections.append((projection, durable))

    def consumer_specs(self) -> tuple[ConsumerSpec, ...]:
        """The durable consumers this service's projections and reactions need (provisioning)."""
        return tuple(type(p).consumer_spec(self.name, durable) for p, durable in self._projections)

    def publishes(self, *aggregates: AggregateType[Any]) -> None:
        """Declare aggregates whose events this service appends otherwise than through
        `aggregates(KIND)` (which declares them itself)."""
        for aggregate in aggregates:
            if all(a.name != aggregate.name for a in self.appended):
                self.appended.append(aggregate)

    def runner(self, projection_name: str) -> ProjectionRunner:
        """The running runner of a projection (its `tables` are what queries read)."""
        for runner in self.runners:
            if runner.projection.name == projection_name:
                return runner
        known = ", ".join(sorted(r.projection.name for r in self.runners)) or "none"
        raise NotFound(f"no projection {projection_name!r} in {self.name}; known: {known}")

    async def _answer_unknown(self) -> None:
        """Requests to a command or query nobody serves get an `invalid` reply, not a time-out.

        A plain NATS subscription in its own queue group sees every request and answers only
        those whose name is not served here; it costs a callback per request.
        """
        for kind, known in self._known.items():

            async def answer(msg: Msg, kind: str = kind, known: set[str] = known) -> None:
                name = msg.subject.rsplit(".", 1)[-1]
                if name in known or not msg.reply:
                    return
                listed = ", ".join(sorted(known)) or "none"
                problem = f"unknown {kind[:-1]} {name!r} for {self.name}; known: {listed}"
                reply = Reply.failure(
                    ErrorCode.INVALID,
                    problem,
                    details=[{"field": "(subject)", "problem": problem, "type": f"unknown_{kind[:-1]}"}],
                )
                await self.nc.publish(msg.reply, reply.model_dump_json(exclude_none=True).encode())

            await self.nc.subscribe(f"{self.name}.{kind}.*", queue=f"{self.name}-unknown-{kind}", cb=answer)

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
        await self._answer_unknown()
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
        js = self.nc.jetstream()
        projections = []
        healthy = self.nc.is_connected
        for runner in self.runners:
            entry: dict[str, Any] = {
                "name": runner.projection.name,
                "consumer": runner.consumer,
                "checkpoint": runner.checkpoint,
                "dead_lettered": runner.dead_lettered,
                "replayable": not runner.projection.side_effects,
                "paused": runner.paused,
            }
            try:
                info = await js.consumer_info(runner.projection.stream, runner.consumer, timeout=1.0)
                entry["pending"] = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
                entry["redelivered"] = int(info.num_redelivered or 0)
            except Exception as exc:
                entry["error"] = repr(exc)
                healthy = False
            projections.append(entry)
        return {
            "service": self.name,
            "status": "ok" if healthy else "degraded",
            "now": self.clock.now().isoformat(),
            "nats_connected": self.nc.is_connected,
            "projections": projections,
        }

    async def _health(self, _query: _HealthQuery) -> dict[str, Any]:
        return await self.health()

    async def _replay(self, query: ReplayProjection) -> dict[str, Any]:
        runner = self.runner(query.projection)
        if runner.projection.side_effects:
            raise InvalidCommand(
                f"{query.projection} is a reaction (it issues commands) and is never replayed",
                fields=["projection"],
            )
        progress = None
        if query.progress_subject:
            subject = query.progress_subject

            async def progress(state: RebuildProgress) -> None:
                await self.nc.publish(subject, json.dumps(dataclasses.asdict(state)).encode())

        report = await runner.rebuild(from_seq=query.from_seq, dry_run=query.dry_run, progress=progress)
        return dataclasses.asdict(report)

    async def _retry_dead_letter(self, query: RetryDeadLetter) -> dict[str, Any]:
        """Apply a dead letter again after a fix, once; record the retry in the DLQ."""
        try:
            letter = await dead_letter(self.nc, query.dlq_seq)
        except DeadLetterError as exc:
            raise NotFound(str(exc)) from None
        if letter.service != self.name:
            raise InvalidCommand(
                f"dead letter {query.dlq_seq} belongs to {letter.service}, not {self.name}",
                fields=["dlq_seq"],
            )
        if letter.resolution is not None:
            raise Conflict(
                f"dead letter {query.dlq_seq} was {letter.resolution.action} already "
                f"({letter.resolution.at} by {letter.resolution.by})"
            )
        runner = next((r for r in self.runners if r.consumer == letter.consumer), None)
        if runner is None:
            raise NotFound(f"no running projection reads consumer {letter.consumer!r} in {self.name}")
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
                self.nc, letter, "retried", query.reason, query.by, at=self.clock.now()
            )
        except DeadLetterError as exc:
            raise Conflict(str(exc)) from None
        return {
            "dlq_seq": letter.dlq_seq,
            "projection": runner.projection.name,
            "applied": applied,
            "resolution_seq": resolution.seq,
        }

    async def _pause(self, query: PauseProjection) -> dict[str, Any]:
        runner = self.runner(query.projection)
        await runner.pause()
        return {"projection": runner.projection.name, "paused": True}

    async def _resume(self, query: ResumeProjection) -> dict[str, Any]:
        runner = self.runner(query.projection)
        runner.resume()
        return {"projection": runner.projection.name, "paused": False}

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            path = request.decode(errors="replace").split(" ")[1] if request.count(b" ") >= 2 else "/"
            report = await self.health()
            lagging = any(p.get("pending", 0) > 1000 for p in report["projections"])
            ok = report["status"] == "ok" and (path != "/readyz" or not lagging)
            body = json.dumps(report).encode()
            status = "200 OK" if ok else "503 Service Unavailable"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Connection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except Exception as exc:
            log.warning("health_http_failed", error=repr(exc))
        finally:
            writer.close()


class _HealthQuery(Query):
    query_name = "Health"


class ReplayProjection(Query):
    """Rebuild one projection into a fresh table generation and swap it in (operators)."""

    projection: str = Field(min_length=1, max_length=128)
    from_seq: int = Field(default=1, ge=1)
    dry_run: bool = Field(default=False, description="report what would change; swap nothing")
    progress_subject: str | None = Field(
        default=None, max_length=256, description="where to publish progress messages (a reply inbox)"
    )


class RetryDeadLetter(Query):
    """Apply a dead letter of this service again after a fix (operators); at most once."""

    dlq_seq: int = Field(ge=1, description="the dead letter's sequence in the DLQ stream")
    by: str = Field(min_length=1, max_length=128, description="the operator")
    reason: str = Field(default="", max_length=2000, description="e.g. the fix that was deployed")


class PauseProjection(Query):
    """Stop a projection's fetching; it keeps its place (operators, tests of `shopctl lag`)."""

    projection: str = Field(min_length=1, max_length=128)


class ResumeProjection(Query):
    projection: str = Field(min_length=1, max_length=128)


def _encoded(reply: Reply) -> bytes:
    return reply.model_dump_json(exclude_none=True).encode()


def admin_subject(service: str, name: str) -> str:
    return f"{service}.admin.{name}"


__all__ = [
    "PauseProjection",
    "ReplayProjection",
    "Reply",
    "ResumeProjection",
    "RetryDeadLetter",
    "ServiceRuntime",
    "admin_subject",
    "connect_nats",
]
