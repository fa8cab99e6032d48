"""A tiny sample domain used by the runtime's own tests and benchmarks: a counter.

`CounterIncremented` v1 carried `amount`; v2 renamed it to `by` and added `note`. The upcaster
below keeps v1 streams loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import Field
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.deadlines import Deadline, DeadlineScheduler
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.projection.base import ApplyContext, Decoded, Projection, Reaction, Tables
from jetstream_es.service.runtime import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore
from jetstream_es.testing.identity import session_identity
from shop_contracts.aggregates import AggregateRef
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.messages import Command, EventData


class CounterOpened(EventData):
    name: str = Field(min_length=1, max_length=100)
    limit: int = Field(ge=1)


class CounterIncremented(EventData):
    schema_version: ClassVar[int] = 2
    by: int = Field(ge=1)
    note: str = ""


class CounterClosed(EventData):
    """The counter takes no more increments."""


registry = EventRegistry([CounterOpened, CounterIncremented, CounterClosed])


@registry.upcaster("CounterIncremented", from_version=1)
def _incremented_v1_to_v2(data: dict[str, object]) -> dict[str, object]:
    return {"by": data["amount"], "note": ""}


@dataclass(frozen=True)
class CounterState:
    name: str = ""
    total: int = 0
    limit: int = 0
    opened: bool = False
    closed: bool = False


def evolve(state: CounterState, event: EventData) -> CounterState:
    match event:
        case CounterOpened(name=name, limit=limit):
            return replace(state, name=name, limit=limit, opened=True)
        case CounterIncremented(by=by):
            return replace(state, total=state.total + by)
        case CounterClosed():
            return replace(state, closed=True)
    return state


SAMPLE_COUNTER = AggregateRef("sample", "Counter")
COUNTER = AggregateType.of(SAMPLE_COUNTER, registry, CounterState, evolve)


class OpenCounter(Command):
    counter_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)
    limit: int = Field(default=1_000_000, ge=1)


class Increment(Command):
    counter_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    by: int = Field(ge=1, le=1000)


def open_counter(state: CounterState, cmd: OpenCounter) -> Sequence[EventData]:
    return open_as(state, cmd.counter_id, cmd.name, cmd.limit)


def open_as(state: CounterState, counter_id: str, name: str, limit: int = 1_000_000) -> Sequence[EventData]:
    if state.opened:
        raise RuleViolated(f"counter {counter_id} is open already", rule="TEST-1")
    return [CounterOpened(name=name, limit=limit)]


def increment(state: CounterState, by: int) -> Sequence[EventData]:
    if not state.opened or state.closed:
        raise RuleViolated("counter is not open", rule="TEST-2")
    if state.total + by > state.limit:
        raise RuleViolated(f"limit {state.limit} would be passed", rule="TEST-3")
    return [CounterIncremented(by=by)]


def increment_twice(state: CounterState, by: int) -> Sequence[EventData]:
    """Two events from one command: appended atomically or not at all."""
    first = increment(state, by)
    second = increment(replace(state, total=state.total + by), by)
    return [*first, *second]


class CounterTotals(Projection):
    """One row per counter: its name, total and number of increments (set-based: a batch of
    events costs one INSERT and one UPDATE statement, whatever its size)."""

    name = "counter_totals"
    sources = (SAMPLE_COUNTER,)
    ack_wait_s = 1.0
    handles = frozenset({"CounterOpened", "CounterIncremented"})

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {
            "totals": Table(
                f"counter_totals{suffix}",
                metadata,
                Column("counter_id", String(64), primary_key=True),
                Column("name", String(100), nullable=False),
                Column("total", BigInteger, nullable=False),
                Column("increments", Integer, nullable=False),
            )
        }

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        await self.apply_batch(conn, tables, [item], ctx)

    async def apply_batch(
        self, conn: AsyncConnection, tables: Tables, items: Sequence[Decoded], ctx: ApplyContext
    ) -> None:
        totals = tables["totals"]
        opened = [
            {"counter_id": i.event.envelope.aggregate_id, "name": i.data.name, "total": 0, "increments": 0}
            for i in items
            if isinstance(i.data, CounterOpened)
        ]
        if opened:
            await conn.execute(sqlite.insert(totals).on_conflict_do_nothing(), opened)
        increments: dict[str, tuple[int, int]] = {}
        for item in items:
            if isinstance(item.data, CounterIncremented):
                total, count = increments.get(item.event.envelope.aggregate_id, (0, 0))
                increments[item.event.envelope.aggregate_id] = (total + item.data.by, count + 1)
        if increments:
            await conn.execute(
                totals.update()
                .where(totals.c.counter_id == bindparam("cid"))
                .values(
                    total=totals.c.total + bindparam("add"), increments=totals.c.increments + bindparam("n")
                ),
                [{"cid": cid, "add": add, "n": n} for cid, (add, n) in increments.items()],
            )

    @staticmethod
    async def rows(conn: AsyncConnection, tables: Tables) -> list[tuple[str, str, int, int]]:
        totals = tables["totals"]
        result = await conn.execute(select(totals).order_by(totals.c.counter_id))
        return [(r.counter_id, r.name, r.total, r.increments) for r in result]


class FlakyCounterTotals(CounterTotals):
    """CounterTotals that fails on the counters in `broken` (a bug), until they are removed (the
    fix): how the operators' dead-letter tools are tested. `applied` counts applied increments."""

    def __init__(self, registry: EventRegistry, broken: set[str] | None = None) -> None:
        super().__init__(registry)
        self.broken = broken if broken is not None else set()
        self.applied: dict[str, int] = {}

    async def apply_batch(
        self, conn: AsyncConnection, tables: Tables, items: Sequence[Decoded], ctx: ApplyContext
    ) -> None:
        for item in items:
            if item.event.envelope.aggregate_id in self.broken:
                raise RuntimeError(f"counter {item.event.envelope.aggregate_id}: projection bug")
        await super().apply_batch(conn, tables, items, ctx)
        for item in items:
            if isinstance(item.data, CounterIncremented):
                key = item.event.envelope.aggregate_id
                self.applied[key] = self.applied.get(key, 0) + 1


class Shout(Command):
    """Open a counter and a second one that echoes it (a command over two aggregates)."""

    counter_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    echo_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)


OTHER_COUNTER = AggregateRef("other", "Counter")


class IncrementOnOpen(Reaction):
    """Another service's counter opened: increment ours of the same id by one (TEST-4)."""

    name = "sample_increment_on_open"
    sources = (OTHER_COUNTER,)
    models = (CounterOpened,)
    handles = frozenset({"CounterOpened"})

    def __init__(self, runtime: ServiceRuntime) -> None:
        super().__init__()
        self.counters = runtime.aggregates(COUNTER)

    async def react(self, item: Decoded) -> None:
        event = item.event.envelope
        cause = Cause.of_event(self.name, event, event.actor)
        await self.counters.execute(event.aggregate_id, cause, lambda s, _now: increment(s, 1))


class CloseOnDeadline:
    """A due `close` deadline closes its counter (TEST-5); ids derive from the deadline."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.counters = runtime.aggregates(COUNTER)

    async def __call__(self, deadline: Deadline) -> None:
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        await self.counters.execute(deadline.aggregate_id, cause, lambda s, _now: close(s))


def close(state: CounterState) -> Sequence[EventData]:
    return [] if state.closed else [CounterClosed()]


SAMPLE_CONSUMER = CounterTotals.durable_for("sample")


def sample_runtime(
    url: str,
    database_url: str,
    projection: CounterTotals | None = None,
    *,
    totals: bool = True,
    clock: Clock | None = None,
    store: EventStore | None = None,
    reactions: bool = False,
    **settings: Any,
) -> ServiceRuntime:
    """A `sample` service: OpenCounter, Increment and Shout commands, and (unless `totals=False`)
    the counter totals projection on consumer `sample-counter-totals` (provision it with
    `SAMPLE_CONSUMER_SPEC`); `reactions=True` adds `IncrementOnOpen` (in-memory tests). It trusts
    the session's test identity (`testing.identity`) unless `settings` say otherwise."""
    service = ServiceRuntime(
        "sample",
        RuntimeSettings(nats_url=url, connect_timeout=2, **{**session_identity().settings(), **settings}),
        database_url,
        clock=clock,
        store=store,
    )
    counters = service.aggregates(COUNTER)

    async def on_open(cmd: OpenCounter) -> CommandResult:
        return await counters.execute(
            cmd.counter_id, cause_of(cmd), lambda s, _now: open_counter(s, cmd), must_exist=False
        )

    async def on_increment(cmd: Increment) -> CommandResult:
        return await counters.execute(
            cmd.counter_id, cause_of(cmd), lambda s, _now: increment(s, cmd.by), must_exist=False
        )

    async def on_shout(cmd: Shout) -> CommandResult:
        echo = f"echo of {cmd.name}"
        first, _second = await counters.execute_all(
            cause_of(cmd),
            counters.step(
                cmd.counter_id, lambda s, _now: open_as(s, cmd.counter_id, cmd.name), must_exist=False
            ),
            counters.step(cmd.echo_id, lambda s, _now: open_as(s, cmd.echo_id, echo), must_exist=False),
        )
        return first

    service.command(OpenCounter, on_open)
    service.command(Increment, on_increment)
    service.command(Shout, on_shout)
    if totals:
        service.projection(projection or CounterTotals(registry))
    if reactions:
        service.projection(IncrementOnOpen(service))
        deadlines = Table("sample_deadlines", MetaData(), Column("id", String(64), primary_key=True))
        service.scheduler(
            DeadlineScheduler(service.engine, lambda: deadlines, service.clock, CloseOnDeadline(service))
        )
    return service


def build(
    runtime: RuntimeSettings | None = None, *, clock: Clock | None = None, store: EventStore | None = None
) -> ServiceRuntime:
    """The sample service as a service's `bootstrap.build` (catalogue and in-memory tests)."""
    runtime = runtime or RuntimeSettings()
    return sample_runtime(
        runtime.nats_url, "sqlite+aiosqlite:///:memory:", clock=clock, store=store, reactions=True
    )


SAMPLE_CONSUMER_SPEC = CounterTotals.consumer_spec("sample")
