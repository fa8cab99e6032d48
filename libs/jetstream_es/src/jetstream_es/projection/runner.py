"""The live projection runner: exactly-once read models from a durable pull consumer (decision 0002).

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
  registration (decisions 0002, 0005).
- `pause()` / `resume()` stop and restart fetching without unbinding (what `shopctl lag` shows).

Retries, the DLQ and waiting for an unreachable store are `jetstream_es.projection.failures`;
`rebuild()` (replay, dry-run compare, progress) is `jetstream_es.projection.rebuild`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from sqlalchemy import Connection, MetaData, Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.clock import Clock
from jetstream_es.errors import CorruptEvent
from jetstream_es.events import StoredEvent, parse_envelope
from jetstream_es.logging import bound_event
from jetstream_es.projection.base import ApplyContext, Decoded, Projection, Tables
from jetstream_es.projection.base import stream_seq as _stream_seq
from jetstream_es.projection.failures import (
    _Poison,
    apply_dead_letter,
    dead_letter,
    retry_one,
)
from jetstream_es.projection.rebuild import ProgressCallback, RebuildReport, rebuild
from jetstream_es.sql import create_runtime_tables, projection_state
from shop_contracts.headers import Header
from shop_contracts.subjects import stream_name

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RunnerSettings:
    batch_size: int = 256
    fetch_timeout: float = 1.0
    max_deliver: int = 5
    backoff: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 5.0)


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
        event_type = headers.get(Header.EVENT_TYPE)
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
            event_id=headers.get(Header.MSG_ID), subject=msg.subject, stream_seq=_stream_seq(msg)
        ):
            await self._retry_one(msg)

    async def _retry_one(self, msg: Msg) -> None:
        await retry_one(self, msg)

    async def _dead_letter(self, msg: Msg, reason: str, error: str, attempts: int) -> None:
        """Park the message in the DLQ with its headers and the error, then move past it."""
        await dead_letter(self, msg, reason, error, attempts)

    # -- rebuild ----------------------------------------------------------------------------

    async def rebuild(
        self, from_seq: int = 1, *, dry_run: bool = False, progress: ProgressCallback | None = None
    ) -> RebuildReport:
        """Replay into a fresh generation while the old one serves, then swap it in
        (`jetstream_es.projection.rebuild`)."""
        return await rebuild(self, from_seq, dry_run=dry_run, progress=progress)

    # -- dead letters -----------------------------------------------------------------------

    async def apply_dead_letter(
        self, dlq_seq: int, headers: Mapping[str, str], data: bytes, subject: str, seq: int
    ) -> bool:
        """Apply a dead letter of this projection again (after a fix), at most once
        (`jetstream_es.projection.failures`)."""
        return await apply_dead_letter(self, dlq_seq, headers, data, subject, seq)
