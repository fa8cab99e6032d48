"""The event store contract shared by the JetStream store and its in-memory twin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from jetstream_es.errors import InvalidAggregateId
from jetstream_es.events import StoredEvent
from shop_contracts.envelope import EventEnvelope
from shop_contracts.subjects import event_subject, is_token

MAX_ID_LENGTH = 128


def aggregate_subject(service: str, aggregate_type: str, aggregate_id: str) -> str:
    """The aggregate's literal subject; refuses ids that cannot be one subject token."""
    if not (is_token(aggregate_type) and is_token(aggregate_id)) or len(aggregate_id) > MAX_ID_LENGTH:
        raise InvalidAggregateId(
            f"aggregate id must be 1-{MAX_ID_LENGTH} letters, digits, '_' or '-': {aggregate_id[:40]!r}",
            aggregate_id,
        )
    return event_subject(service, aggregate_type, aggregate_id)


@dataclass(frozen=True, slots=True)
class AppendResult:
    """Stream sequences of the stored events, in order; `duplicate` when dedup answered."""

    seqs: tuple[int, ...]
    duplicate: bool = False

    @property
    def last_seq(self) -> int:
        return self.seqs[-1]


@dataclass(frozen=True, slots=True)
class AggregateAppend:
    """One aggregate's part of an atomic append over several aggregates (`append_all`)."""

    aggregate_type: str
    aggregate_id: str
    events: Sequence[EventEnvelope]
    expected_last_seq: int


class EventStore(Protocol):
    """One service's event stream, one subject per aggregate.

    `append` stores all `events` of one aggregate or none: they must follow the aggregate's last
    stored sequence `expected_last_seq` (0 for a new aggregate), otherwise `ConcurrencyConflict`.
    `read` returns the aggregate's events after `after_seq`, in order.
    """

    service: str

    async def append(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope], expected_last_seq: int
    ) -> AppendResult: ...

    async def read(self, aggregate_type: str, aggregate_id: str, after_seq: int = 0) -> list[StoredEvent]: ...


@runtime_checkable
class AtomicEventStore(EventStore, Protocol):
    """A store that appends to several aggregates of its stream at once, all or nothing: every
    part must follow its aggregate's `expected_last_seq` (else `ConcurrencyConflict`, nothing
    stored). Both stores of this library are one (the JetStream one in one atomic batch)."""

    async def append_all(self, parts: Sequence[AggregateAppend]) -> tuple[AppendResult, ...]: ...


class AggregateSubjects:
    """What every store shares: one literal subject per aggregate, and no empty appends."""

    service: str

    def _subject(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope] | None = None
    ) -> str:
        if events is not None and not events:
            raise ValueError("nothing to append")
        return aggregate_subject(self.service, aggregate_type, aggregate_id)
