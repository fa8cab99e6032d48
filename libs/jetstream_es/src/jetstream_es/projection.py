"""Projection runner: exactly-once read models from a durable pull consumer.

- The projection update and its checkpoint commit in ONE transaction; the message is acked after
  the commit; a redelivered sequence at or below the checkpoint is acked and skipped.
- On start the durable consumer is reset to checkpoint + 1 (`$JS.API.CONSUMER.RESET`, server
  2.14+): a batch a dead process fetched but never committed would otherwise come back only after
  `ack_wait`, behind later events, and be skipped as "at or below the checkpoint". The same reset
  follows a batch that failed to commit and a gap in the consumer's delivery sequence (a delivery
  lost while a node failed): events are applied in stream order, always.
- An event type the projection does not handle is skipped by its header, before decoding. An
  event type it does not know at all is skipped on another service's stream (the producer may
  add types: tolerant reader) and with `skip_unknown_types`; on its own service's stream it is
  parked in the DLQ: this service wrote it, so this code is older than the writer or misses a
  registration, and skipping would silently drop it from the read model (decisions 0002, 0005).
- A message that cannot be decoded (bad JSON, missing type, schema violation) goes straight to
  the `DLQ` stream with the reason. A handler error is retried with backoff, in order, holding the
  message (`in_progress`); after `max_deliver` attempts it goes to the DLQ and the runner moves on.
  An unreachable projection store (`store_unavailable`: a restarting database, a lost connection,
  a locked SQLite file) is not the event's fault: the runner waits for the store, logging
  `projection_store_unavailable`, and never dead-letters for it.
- `rebuild()` replays the stream (batch direct gets) into a fresh table generation while the
  old one keeps serving, then swaps it in with the live checkpoint; side effects are suppressed.
  It reports its progress to a callback; `dry_run=True` compares the fresh generation with the
  serving one, reports the differences per table and swaps nothing.
- `apply_dead_letter()` applies a dead letter again after a fix (an operator's retry), at most once
  (`dead_letters_applied`, same transaction), leaving the checkpoint where it is.
- `pause()` / `resume()` stop and restart fetching without unbinding (what `shopctl lag` shows).
See docs/decisions/0002-projection-runner.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from sqlalchemy import Connection, MetaData, Table, insert, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.clock import Clock
from jetstream_es.dlq import dead_letter_headers
from jetstream_es.errors import CorruptEvent
from jetstream_es.events import EventRegistry, StoredEvent, parse_envelope
from jetstream_es.jetstream.direct_get import DirectGetClient
from jetstream_es.logging import bound_event
from jetstream_es.provision import ConsumerSpec
from jetstream_es.sql import create_runtime_tables, dead_letters_applied, projection_state
from shop_contracts.aggregates import AggregateRef
from shop_contracts.messages import EventData
from shop_contracts.subjects import EVENT_TYPE_HEADER, MSG_ID_HEADER, dlq_subject, stream_name

log = structlog.get_logger(__name__)
Tables = Mapping[str, Table]


@dataclass(frozen=True, slots=True)
class ApplyContext:
    """What a handler may know about the delivery. `replaying`: no side effects allowed."""

    replaying: bool
    now: datetime


@dataclass(frozen=True, slots=True)
class Decoded:
    event: StoredEvent
    data: EventData


class Projection(ABC):
    """A read model fed by one stream. Subclasses declare tables and apply events to them.

    A projection names its source aggregates once (decision 0007): `sources = (ORDERS_ORDER, ...)`
    (refs from `shop_contracts.aggregates`, all on one stream: mixing streams is refused when the
    class is created). Its `stream` and `filter_subjects` derive from them, unless the class
    declares a narrower (or wider, e.g. `whole_stream(...)`) `filter_subjects` itself; its durable
    consumer is `durable_for(service)` (`<service>-<name without the service prefix>`, `_` as
    `-`, or the class's `durable`), and `consumer_spec(service)` is what provisioning declares.
    `name` is also the checkpoint's key: renaming a projection starts it from the beginning.

    `side_effects = True` marks a reaction (it issues commands); reactions are never rebuilt.
    An unknown `Event-Type` on another service's stream is always skipped; on the service's own
    stream it is parked in the DLQ unless `skip_unknown_types = True` (a projection reading the
    whole stream for a few types of several aggregates).
    """

    name: ClassVar[str]
    sources: ClassVar[tuple[AggregateRef, ...]] = ()
    stream: ClassVar[str]
    filter_subjects: ClassVar[tuple[str, ...]]
    handles: ClassVar[frozenset[str]]
    side_effects: ClassVar[bool] = False
    skip_unknown_types: ClassVar[bool] = False
    durable: ClassVar[str | None] = None
    ack_wait_s: ClassVar[float] = 30.0
    max_ack_pending: ClassVar[int] = 1024

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "sources" not in cls.__dict__:
            return  # inherits its parent's, or declares `stream`/`filter_subjects` (older style)
        sources = tuple(cls.sources)
        if not sources or not all(isinstance(s, AggregateRef) for s in sources):
            raise TypeError(f"{cls.__name__}.sources: one or more AggregateRef (shop_contracts.aggregates)")
        streams = sorted({s.stream for s in sources})
        if len(streams) > 1:
            listed = ", ".join(str(s) for s in sources)
            raise TypeError(
                f"{cls.__name__}.sources: {listed} are on streams {', '.join(streams)}; "
                "a projection reads one stream (write one projection per stream)"
            )
        if "stream" in cls.__dict__ and cls.__dict__["stream"] != streams[0]:
            raise TypeError(
                f"{cls.__name__}.stream {cls.__dict__['stream']!r} is not its sources' {streams[0]!r}"
            )
        cls.sources = sources
        cls.stream = streams[0]
        root = f"{sources[0].service}.events."
        if "filter_subjects" in cls.__dict__:
            outside = [f for f in cls.__dict__["filter_subjects"] if not f.startswith(root)]
            if outside:
                raise TypeError(f"{cls.__name__}.filter_subjects {outside} are not on stream {cls.stream}")
        else:
            cls.filter_subjects = tuple(s.filter for s in sources)

    @classmethod
    def durable_for(cls, service: str) -> str:
        """The durable consumer of this projection in `service`: the class's `durable`, or
        `<service>-<name>` with the name's `<service>_` prefix dropped and `_` written `-`."""
        if cls.durable:
            return cls.durable
        short = cls.name.removeprefix(f"{service}_").replace("_", "-")
        return f"{service}-{short}"

    @classmethod
    def consumer_spec(cls, service: str, durable: str | None = None) -> ConsumerSpec:
        """What provisioning declares for this projection in `service`."""
        return ConsumerSpec(
            cls.stream,
            durable or cls.durable_for(service),
            tuple(cls.filter_subjects),
            ack_wait_s=cls.ack_wait_s,
            max_ack_pending=cls.max_ack_pending,
        )

    def __init__(self, registry: EventRegistry) -> None:
        self.registry = registry

    @abstractmethod
    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        """The projection's tables, their names ending in `suffix` (one generation)."""

    @abstractmethod
    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        """Apply one event to the tables; runs inside the checkpoint transaction."""

    async def apply_batch(
        self, conn: AsyncConnection, tables: Tables, items: Sequence[Decoded], ctx: ApplyContext
    ) -> None:
        for item in items:
            await self.apply(conn, tables, item, ctx)


class Reaction(Projection):
    """A process manager: consumes a stream (usually another service's) and issues commands.

    It has no tables, skips event types it does not know, is never replayed, and does nothing
    while a replay runs. Subclasses list the `models` they react to and implement `react`; ids
    derive from the causing event (`Cause.of_event`), so a redelivered event appends nothing.
    """

    side_effects = True
    skip_unknown_types = True
    models: ClassVar[tuple[type[EventData], ...]]

    def __init__(self) -> None:
        super().__init__(EventRegistry(self.models))

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        if not ctx.replaying:
            await self.react(item)

    @abstractmethod
    async def react(self, item: Decoded) -> None:
        """Issue the command(s) this event calls for."""


@dataclass(frozen=True)
class RunnerSettings:
    batch_size: int = 256
    fetch_timeout: float = 1.0
    max_deliver: int = 5
    backoff: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What a rebuild did. A dry run keeps the serving generation: `generation` is the one that
    would have been swapped in, and `changes` lists per table what would change."""

    events: int
    checkpoint: int
    generation: int
    seconds: float
    dry_run: bool = False
    changes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class RebuildProgress:
    """Where a rebuild is: `applied` events so far, stream sequence `seq` of `target` (the stream's
    last sequence when the rebuild began), starting at `from_seq`."""

    projection: str
    applied: int
    seq: int
    target: int
    from_seq: int
    done: bool = False


ProgressCallback = Callable[[RebuildProgress], Awaitable[None]]


class DeadLetterRefused(Exception):
    """A dead letter that cannot be applied: not this projection's, undecodable, or applied already."""


class _Poison(Exception):
    def __init__(self, reason: str, error: str) -> None:
        super().__init__(error)
        self.reason = reason
        self.error = error


_TRANSIENT = ("database is locked", "connection", "terminating", "shutting down", "starting up", "timeout")


def store_unavailable(exc: BaseException) -> bool:
    """True when the projection store could not be reached (a database restarting, a lost
    connection, a locked SQLite file): the event is not at fault, so it waits for the store
    instead of counting towards the dead letter queue."""
    if isinstance(exc, OSError | sa_exc.DisconnectionError | sa_exc.InterfaceError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc, sa_exc.OperationalError) or "asyncpg" in type(exc.orig).__module__:
            text = f"{type(exc.orig).__name__} {exc.orig}".lower()
            return any(marker in text for marker in (*_TRANSIENT, "cannotconnectnow", "adminshutdown"))
    return False


def _stream_seq(msg: Msg) -> int:
    return int(msg.metadata.sequence.stream)


class ProjectionRunner:
    def __init__(
        self,
        nc: Client,
        engine: AsyncEngine,
        projection: Projection,
        *,
        service: str,
        consumer: str,
        clock: Clock,
        settings: RunnerSettings | None = None,
    ) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream()
        self.engine = engine
        self.projection = projection
        self.service = service
        self.consumer = consumer
        # another service's stream carries types this projection never heard of: skip them
        self._skips_unknown = projection.skip_unknown_types or projection.stream != stream_name(service)
        self.clock = clock
        self.settings = settings or RunnerSettings()
        self.generation = 0
        self.checkpoint = 0
        self._last_delivery: int | None = None
        self.tables: Tables = {}
        self._metadata = MetaData()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._caught_up = asyncio.Event()
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._parked = asyncio.Event()
        self._stopping = False
        self.dead_lettered = 0
        self.applied = 0
        self.skipped_redelivered = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await create_runtime_tables(self.engine)
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    select(projection_state.c.generation, projection_state.c.checkpoint).where(
                        projection_state.c.name == self.projection.name
                    )
                )
            ).first()
            if row is None:
                await conn.execute(
                    projection_state.insert().values(name=self.projection.name, generation=1, checkpoint=0)
                )
                self.generation, self.checkpoint = 1, 0
            else:
                self.generation, self.checkpoint = int(row.generation), int(row.checkpoint)
        self.tables = await self._create_generation(self.generation)
        await self._resume_consumer_at(self.checkpoint + 1)
        self._sub = await self.js.pull_subscribe_bind(durable=self.consumer, stream=self.projection.stream)
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"projection-{self.projection.name}")
        log.info("projection_started", projection=self.projection.name, checkpoint=self.checkpoint)

    async def _resume_consumer_at(self, seq: int) -> None:
        """Move the durable consumer to `seq` (the first event not applied here), dropping what an
        earlier process had fetched and not acked, so events are applied in stream order."""
        stream, consumer = self.projection.stream, self.consumer
        subject = f"{self.js._prefix}.CONSUMER.RESET.{stream}.{consumer}"
        try:
            reply = await self.nc.request(subject, json.dumps({"seq": seq}).encode(), timeout=5)
            answer = json.loads(reply.data)
        except (nats.errors.Error, ValueError) as exc:
            answer = {"error": {"description": repr(exc)}}
        self._last_delivery = None  # the consumer counts its deliveries from 1 again
        if "error" in answer:
            log.error(
                "consumer_reset_failed",
                projection=self.projection.name,
                consumer=consumer,
                seq=seq,
                error=answer["error"],
                consequence="events a dead process fetched come back after ack_wait and may be skipped",
            )
            return
        log.info("consumer_resumed", projection=self.projection.name, consumer=consumer, seq=seq)

    async def stop(self) -> None:
        """Stop fetching; unacked messages return to the consumer after `ack_wait`."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):  # the connection may be gone already
            await self._sub.unsubscribe()

    async def pause(self) -> None:
        """Stop fetching; returns once the fetch in flight is done and applied. The consumer keeps
        its place on the server, so what arrives from now on is pending there."""
        self._resumed.clear()
        if self._task is not None and not self._task.done():
            async with asyncio.timeout(self.settings.fetch_timeout + 30):
                await self._parked.wait()
        log.info("projection_paused", projection=self.projection.name)

    def resume(self) -> None:
        self._resumed.set()
        log.info("projection_resumed", projection=self.projection.name)

    @property
    def paused(self) -> bool:
        return not self._resumed.is_set()

    async def lag(self) -> int:
        """Messages the server still has for this consumer: not yet delivered, or not yet acked."""
        info = await self.js.consumer_info(self.projection.stream, self.consumer)
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    async def wait_caught_up(self, within: float = 10.0, poll: float = 0.05) -> None:
        """Wait until every message of the stream so far is applied and acked (the caught-up signal).

        The server's count decides; it changes without telling us, so this polls it.
        """
        async with asyncio.timeout(within):
            while await self.lag() > 0:  # noqa: ASYNC110 - the server's state has no event to await
                await asyncio.sleep(poll)
            self._caught_up.set()

    async def _create_generation(self, generation: int) -> dict[str, Table]:
        tables = self.projection.define_tables(self._metadata, f"_g{generation}")
        async with self.engine.begin() as conn:
            await conn.run_sync(lambda sync: self._metadata.create_all(sync, tables=list(tables.values())))
        return tables

    async def _drop_tables(self, tables: list[Table]) -> None:
        def drop(sync: Connection) -> None:
            for table in tables:
                table.drop(sync, checkfirst=True)

        async with self.engine.begin() as conn:
            await conn.run_sync(drop)
        for table in tables:
            self._metadata.remove(table)

    # -- live consumption -------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            if not self._resumed.is_set():
                self._parked.set()
                await self._resumed.wait()
                self._parked.clear()
            try:
                msgs = await self._sub.fetch(self.settings.batch_size, timeout=self.settings.fetch_timeout)
            except (nats.errors.TimeoutError, TimeoutError):
                self._caught_up.set()
                continue
            except nats.errors.ConnectionClosedError:
                log.error("projection_stopped_connection_closed", projection=self.projection.name)
                return
            except Exception as exc:
                log.warning("projection_fetch_failed", projection=self.projection.name, error=repr(exc))
                await asyncio.sleep(0.5)
                continue
            msgs, gap = self._contiguous(msgs)
            try:
                async with self._lock:
                    await self._process(msgs)
            except Exception as exc:
                log.error("projection_batch_failed", projection=self.projection.name, error=repr(exc))
                await asyncio.sleep(0.5)
                gap = True  # what this batch held would come back after ack_wait, behind later events
            if gap:
                await self._resume_consumer_at(self.checkpoint + 1)
                continue
            if msgs and msgs[-1].metadata.num_pending == 0:
                self._caught_up.set()

    def _contiguous(self, msgs: list[Msg]) -> tuple[list[Msg], bool]:
        """The messages up to the first missing delivery, and whether one is missing. A delivery
        lost on the way (a fetch reply lost while a node failed, a timed-out fetch) would come
        back only after ack_wait, behind later events; those must not be applied first."""
        for index, msg in enumerate(msgs):
            delivery = msg.metadata.sequence.consumer
            if self._last_delivery is not None and delivery != self._last_delivery + 1:
                log.warning(
                    "projection_delivery_gap",
                    projection=self.projection.name,
                    expected=self._last_delivery + 1,
                    got=delivery,
                    resume_at=self.checkpoint + 1,
                )
                return msgs[:index], True
            self._last_delivery = delivery
        return msgs, False

    async def _process(self, msgs: list[Msg]) -> None:
        fresh = []
        for msg in msgs:
            if _stream_seq(msg) <= self.checkpoint:
                self.skipped_redelivered += 1
                await msg.ack()
            else:
                fresh.append(msg)
        if not fresh:
            return
        try:
            items = [self._decode(msg) for msg in fresh]
            await self._commit(items, _stream_seq(fresh[-1]), replaying=False)
        except Exception:
            for msg in fresh:
                await self._process_one(msg)
            return
        for msg in fresh:
            await msg.ack()

    def _decode(self, msg: Msg) -> Decoded | None:
        """None for an event type this projection does not handle (skipped by header)."""
        return self._decode_parts(msg.headers or {}, msg.data, msg.subject, _stream_seq(msg))

    def _decode_parts(
        self, headers: Mapping[str, str], data: bytes, subject: str, seq: int
    ) -> Decoded | None:
        event_type = headers.get(EVENT_TYPE_HEADER)
        if event_type is None:
            raise _Poison("missing_event_type", "message has no Event-Type header")
        if event_type not in self.projection.handles:
            if not (self._skips_unknown or self.projection.registry.knows(event_type)):
                raise _Poison("unknown_event_type", f"unknown event type {event_type!r}")
            return None
        try:
            envelope = parse_envelope(data)
            if envelope.event_type != event_type:
                raise CorruptEvent(f"header says {event_type}, envelope says {envelope.event_type}")
            return Decoded(StoredEvent(envelope, seq, subject), self.projection.registry.decode(envelope))
        except CorruptEvent as exc:
            raise _Poison("undecodable", str(exc)) from exc
        except Exception as exc:  # a decoder bug on this message is deterministic too
            raise _Poison("undecodable", f"{type(exc).__name__}: {exc}") from exc

    async def _commit(self, items: Sequence[Decoded | None], last_seq: int, *, replaying: bool) -> None:
        ctx = ApplyContext(replaying=replaying, now=self.clock.now())
        present = [item for item in items if item is not None]
        async with self.engine.begin() as conn:
            if present:
                await self.projection.apply_batch(conn, self.tables, present, ctx)
            await self._save_checkpoint(conn, self.projection.name, last_seq)
        self.checkpoint = last_seq
        self.applied += len(present)

    async def _save_checkpoint(self, conn: AsyncConnection, name: str, seq: int) -> None:
        await conn.execute(
            update(projection_state)
            .where(projection_state.c.name == name)
            .values(checkpoint=seq, updated_at=self.clock.now())
        )

    async def _process_one(self, msg: Msg) -> None:
        headers = msg.headers or {}
        with bound_event(
            event_id=headers.get(MSG_ID_HEADER), subject=msg.subject, stream_seq=_stream_seq(msg)
        ):
            await self._retry_one(msg)

    async def _retry_one(self, msg: Msg) -> None:
        seq = _stream_seq(msg)
        attempts = max(int(msg.metadata.num_delivered) - 1, 0)
        outage = 0
        while True:
            try:
                item = self._decode(msg)
            except _Poison as poison:
                await self._dead_letter(msg, poison.reason, poison.error, attempts + 1)
                return
            try:
                await self._commit([item], seq, replaying=False)
            except Exception as exc:
                if store_unavailable(exc):
                    outage += 1
                    if self._stopping:
                        return  # not acked: it comes back, in order, to the next start
                    log.error(
                        "projection_store_unavailable",
                        projection=self.projection.name,
                        stream_seq=seq,
                        waited_attempts=outage,
                        error=repr(exc),
                    )
                    await msg.in_progress()
                    await asyncio.sleep(min(5.0, 0.2 * outage))
                    continue
                attempts += 1
                log.warning(
                    "projection_handler_failed",
                    projection=self.projection.name,
                    stream_seq=seq,
                    subject=msg.subject,
                    attempt=attempts,
                    error=repr(exc),
                )
                if attempts >= self.settings.max_deliver:
                    await self._dead_letter(msg, "handler_failed", repr(exc), attempts)
                    return
                backoff = self.settings.backoff[min(attempts - 1, len(self.settings.backoff) - 1)]
                await msg.in_progress()
                await asyncio.sleep(backoff)
                continue
            await msg.ack()
            return

    async def _dead_letter(self, msg: Msg, reason: str, error: str, attempts: int) -> None:
        """Park the message in the DLQ with its headers and the error, then move past it."""
        seq = _stream_seq(msg)
        headers = dead_letter_headers(
            msg.headers,
            reason=reason,
            error=error,
            stream=self.projection.stream,
            subject=msg.subject,
            stream_seq=seq,
            consumer=self.consumer,
            service=self.service,
            attempts=attempts,
            at=self.clock.now(),
        )
        await self.js.publish(
            dlq_subject(self.service, self.consumer), msg.data, headers=headers, stream="DLQ"
        )
        async with self.engine.begin() as conn:
            await self._save_checkpoint(conn, self.projection.name, seq)
        self.checkpoint = seq
        self.dead_lettered += 1
        log.error(
            "event_dead_lettered",
            projection=self.projection.name,
            stream_seq=seq,
            subject=msg.subject,
            reason=reason,
            error=error[:500],
        )
        await msg.ack()

    # -- rebuild ----------------------------------------------------------------------------

    async def rebuild(
        self, from_seq: int = 1, *, dry_run: bool = False, progress: ProgressCallback | None = None
    ) -> RebuildReport:
        """Replay into a fresh generation while the old one serves, then swap it in.

        Events before `from_seq` are not applied. Side effects are suppressed (`replaying=True`);
        a projection with side effects (a reaction) cannot be rebuilt. `progress` hears about every
        applied batch. `dry_run`: build the generation, compare it with the serving one at the
        same checkpoint, drop it again and report the differences.
        """
        if self.projection.side_effects:
            raise ValueError(f"{self.projection.name} has side effects and cannot be replayed")
        started = time.perf_counter()
        generation = self.generation + 1
        tables = await self._create_generation(generation)
        target = 0
        with contextlib.suppress(Exception):  # progress only; the replay reads the stream itself
            info = await self.js.stream_info(self.projection.stream)
            target = int(info.state.last_seq or 0)
        replay = _Replay(self, tables, from_seq, progress=progress, target=target)
        try:
            await replay.run_until(None)
            async with self._lock:
                live_checkpoint = self.checkpoint
                await replay.run_until(live_checkpoint)
                checkpoint = max(live_checkpoint, replay.last_seq)
                if dry_run:
                    changes = await self._compare(self.tables, tables)
                    await self._drop_tables(list(tables.values()))
                    report = RebuildReport(
                        replay.applied,
                        checkpoint,
                        generation,
                        time.perf_counter() - started,
                        dry_run=True,
                        changes=tuple(changes),
                    )
                    await replay.report(done=True)
                    log.info("projection_rebuild_dry_run", projection=self.projection.name, changes=changes)
                    return report
                async with self.engine.begin() as conn:
                    await conn.execute(
                        update(projection_state)
                        .where(projection_state.c.name == self.projection.name)
                        .values(generation=generation, checkpoint=checkpoint, updated_at=self.clock.now())
                    )
                old, self.generation, self.checkpoint, self.tables = (
                    self.tables,
                    generation,
                    checkpoint,
                    tables,
                )
        except BaseException:
            await self._drop_tables(list(tables.values()))
            raise
        finally:
            await replay.close()
        await self._drop_tables(list(old.values()))
        report = RebuildReport(replay.applied, checkpoint, generation, time.perf_counter() - started)
        await replay.report(done=True)
        log.info("projection_rebuilt", projection=self.projection.name, **dataclasses.asdict(report))
        return report

    async def _compare(self, serving: Tables, rebuilt: Tables) -> list[dict[str, Any]]:
        """Per table: rows now, rows after the rebuild, and rows added, removed or changed (by key)."""
        changes: list[dict[str, Any]] = []
        async with self.engine.connect() as conn:
            for key in sorted(set(serving) | set(rebuilt)):
                before, rows_now = await _keyed_rows(conn, serving.get(key))
                after, rows_after = await _keyed_rows(conn, rebuilt.get(key))
                added = [k for k in after if k not in before]
                removed = [k for k in before if k not in after]
                changed = [k for k in after if k in before and after[k] != before[k]]
                examples = (
                    [{"change": "added", "key": list(k)} for k in added[:3]]
                    + [{"change": "removed", "key": list(k)} for k in removed[:3]]
                    + [{"change": "changed", "key": list(k)} for k in changed[:3]]
                )
                changes.append(
                    {
                        "table": key,
                        "rows_now": rows_now,
                        "rows_after": rows_after,
                        "added": len(added),
                        "removed": len(removed),
                        "changed": len(changed),
                        "examples": [{**e, "key": [str(v) for v in e["key"]]} for e in examples],
                    }
                )
        return changes

    # -- dead letters -----------------------------------------------------------------------

    async def apply_dead_letter(
        self, dlq_seq: int, headers: Mapping[str, str], data: bytes, subject: str, seq: int
    ) -> bool:
        """Apply a dead letter of this projection again (after a fix). True when applied now, False
        when it was applied by an earlier retry. The checkpoint stays where it is; side effects
        are allowed (a reaction's command is what the retry is for, and its ids derive from the
        event, so it appends nothing twice)."""
        try:
            item = self._decode_parts(headers, data, subject, seq)
        except _Poison as poison:
            raise DeadLetterRefused(f"still cannot be decoded ({poison.reason}): {poison.error}") from None
        ctx = ApplyContext(replaying=False, now=self.clock.now())
        async with self._lock, self.engine.begin() as conn:
            done = (
                await conn.execute(
                    select(dead_letters_applied.c.dlq_seq).where(
                        dead_letters_applied.c.projection == self.projection.name,
                        dead_letters_applied.c.dlq_seq == dlq_seq,
                    )
                )
            ).first()
            if done is not None:
                return False
            if item is not None:
                await self.projection.apply_batch(conn, self.tables, [item], ctx)
            await conn.execute(
                insert(dead_letters_applied).values(
                    projection=self.projection.name, dlq_seq=dlq_seq, applied_at=ctx.now
                )
            )
        log.info("dead_letter_applied", projection=self.projection.name, dlq_seq=dlq_seq, stream_seq=seq)
        return True


async def _keyed_rows(conn: AsyncConnection, table: Table | None) -> tuple[dict[tuple[Any, ...], Any], int]:
    """Rows by primary key (values: the other columns; a table without one: whole rows with their
    counts), and the number of rows."""
    if table is None:
        return {}, 0
    rows = (await conn.execute(select(table))).all()
    key_names = [c.name for c in table.primary_key.columns]
    if not key_names:
        return dict(Counter(tuple(r) for r in rows)), len(rows)
    others = [c.name for c in table.columns if c.name not in key_names]
    keyed = {tuple(r._mapping[k] for k in key_names): tuple(r._mapping[c] for c in others) for r in rows}
    return keyed, len(rows)


class _Replay:
    """Reads a stream by batch direct gets into a fresh generation, one transaction a batch.

    Memory is bounded by construction: one batch is applied while the next is in flight. (nats-py's
    ordered push consumer gives no backpressure: a slow projection made it buffer without bound.)
    """

    def __init__(
        self,
        runner: ProjectionRunner,
        tables: Tables,
        from_seq: int,
        batch: int = 1000,
        *,
        progress: ProgressCallback | None = None,
        target: int = 0,
    ) -> None:
        self.runner = runner
        self.tables = tables
        self.batch = batch
        self.from_seq = max(from_seq, 1)
        self.last_seq = self.from_seq - 1
        self.applied = 0
        self.progress = progress
        self.target = target
        filters = runner.projection.filter_subjects
        self.subject = filters[0] if len(filters) == 1 else None
        self.direct = DirectGetClient(runner.nc, runner.projection.stream)

    async def _fetch(self, from_seq: int) -> tuple[list[Msg], int]:
        body: dict[str, Any] = {"seq": from_seq, "batch": self.batch}
        if self.subject is not None:
            body["next_by_subj"] = self.subject
        return await self.direct.request(body)

    async def run_until(self, stop_at: int | None) -> None:
        """Apply what the stream holds after `last_seq`, up to `stop_at` (None: all of it now)."""
        if stop_at is not None and self.last_seq >= stop_at:
            return
        pending = asyncio.ensure_future(self._fetch(self.last_seq + 1))
        try:
            while True:
                msgs, remaining = await pending
                if not msgs:
                    return
                last = int((msgs[-1].headers or {})["Nats-Sequence"])
                more = remaining > 0 and (stop_at is None or last < stop_at)
                if more:
                    pending = asyncio.ensure_future(self._fetch(last + 1))
                await self._apply(msgs, stop_at)
                if not more:
                    return
        finally:
            if not pending.done():
                pending.cancel()

    async def _apply(self, msgs: list[Msg], stop_at: int | None) -> None:
        items: list[Decoded] = []
        last = self.last_seq
        filters = self.runner.projection.filter_subjects
        for msg in msgs:
            headers = msg.headers or {}
            seq, subject = int(headers["Nats-Sequence"]), headers["Nats-Subject"]
            if stop_at is not None and seq > stop_at:
                break
            last = seq
            if self.subject is None and not any(_matches(f, subject) for f in filters):
                continue
            try:
                item = self.runner._decode_parts(headers, msg.data, subject, seq)
            except _Poison as poison:
                log.error("replay_skipped_poison", stream_seq=seq, reason=poison.reason, error=poison.error)
                continue
            if item is not None:
                items.append(item)
        if items:
            ctx = ApplyContext(replaying=True, now=self.runner.clock.now())
            async with self.runner.engine.begin() as conn:
                await self.runner.projection.apply_batch(conn, self.tables, items, ctx)
        self.applied += len(items)
        self.last_seq = last
        await self.report()

    async def report(self, done: bool = False) -> None:
        if self.progress is None:
            return
        # done: the stream was read to its end, past the last event the filter matched
        seq = max(self.last_seq, self.target) if done else self.last_seq
        state = RebuildProgress(
            self.runner.projection.name,
            self.applied,
            seq,
            max(self.target, self.last_seq),
            self.from_seq,
            done,
        )
        try:
            await self.progress(state)
        except Exception as exc:  # progress is advisory: never let it break a rebuild
            log.warning("rebuild_progress_failed", error=repr(exc))

    async def close(self) -> None:
        await self.direct.stop()


def subject_matches(pattern: str, subject: str) -> bool:
    """True when NATS subject filter `pattern` (with `*` and `>`) matches `subject`."""
    return _matches(pattern, subject)


def _matches(pattern: str, subject: str) -> bool:
    p_tokens, s_tokens = pattern.split("."), subject.split(".")
    for i, token in enumerate(p_tokens):
        if token == ">":
            return len(s_tokens) > i
        if i >= len(s_tokens) or (token != "*" and token != s_tokens[i]):
            return False
    return len(p_tokens) == len(s_tokens)
