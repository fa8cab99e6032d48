"""Projection interfaces: what a read model or a reaction declares (decisions 0002, 0007).

`Projection` names its source aggregates once; its stream, filter subjects, durable consumer and
`ConsumerSpec` derive from them. `Reaction` is a projection with side effects (it issues commands)
and is never rebuilt. `ApplyContext`, `Decoded` and `Tables` are what handlers receive;
`subject_matches` is NATS subject-filter matching (`*`, `>`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import structlog
from nats.aio.msg import Msg
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import EventRegistry, StoredEvent
from jetstream_es.provision import ConsumerSpec
from shop_contracts.aggregates import AggregateRef
from shop_contracts.messages import EventData

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
            return  # an abstract base, or inherits its parent's sources
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


def stream_seq(msg: Msg) -> int:
    """The stream sequence of a message delivered by a consumer."""
    return int(msg.metadata.sequence.stream)


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
