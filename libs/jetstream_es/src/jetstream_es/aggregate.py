"""The decide/apply aggregate base (STYLE.md "Aggregates decide, handlers orchestrate").

An aggregate type is its name, the registry of its events, an initial state and a pure `evolve`
function. Commands are pure `decide` functions from state to new event data; they raise a
`DomainError` naming the rule they enforce when a command is refused.

An aggregate type is built from its contract reference (`shop_contracts.aggregates`, decision
0007): `AggregateType.of(ORDERS_ORDER, registry, OrderState, evolve)`, so the name other services'
projections use to read it and the name its events are stored under are one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from jetstream_es.errors import CorruptEvent, UnreadableHistory
from jetstream_es.events import EventRegistry, StoredEvent
from shop_contracts.aggregates import AggregateRef
from shop_contracts.messages import EventData
from shop_contracts.subjects import is_token

S = TypeVar("S")


@dataclass(frozen=True)
class AggregateType(Generic[S]):
    name: str
    registry: EventRegistry
    initial: Callable[[], S]
    evolve: Callable[[S, EventData], S]
    ref: AggregateRef | None = None

    def __post_init__(self) -> None:
        if not is_token(self.name):
            raise ValueError(f"aggregate name must be one subject token: {self.name!r}")
        if self.ref is not None and self.ref.name != self.name:
            raise ValueError(f"aggregate {self.name!r} built with the ref of {self.ref}")
        if all(known is not self for known in _DEFINED):
            _DEFINED.append(self)

    @classmethod
    def of(
        cls,
        ref: AggregateRef,
        registry: EventRegistry,
        initial: Callable[[], S],
        evolve: Callable[[S, EventData], S],
    ) -> AggregateType[S]:
        """The aggregate type `ref` names in the contracts (its events are stored under `ref.name`)."""
        return cls(ref.name, registry, initial, evolve, ref)

    @property
    def module(self) -> str:
        """The module that defines the aggregate (its `evolve` function's): who appends its events."""
        return getattr(self.evolve, "__module__", None) or ""


_DEFINED: list[AggregateType[Any]] = []


def defined_aggregates(package: str) -> tuple[AggregateType[Any], ...]:
    """Every aggregate type defined so far in `package` or its modules, in definition order.

    The catalog of what a service appends (its AsyncAPI channels) reads this after the service's
    `build()` has imported its code, so an aggregate cannot be left out of the documents.
    """
    return tuple(a for a in _DEFINED if a.module == package or a.module.startswith(f"{package}."))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one command did to an aggregate: the version it reached and the events it stored,
    and the fingerprint of the command's payload (None for reactions and older events)."""

    version: int
    event_ids: tuple[str, ...]
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class Loaded(Generic[S]):
    """An aggregate's state with its position: `version` events, the last at `last_seq`.

    `outcomes` maps every stored event id to the outcome of the command that stored it, so a
    repeated command (same first event id) is recognised after a reload, beyond the stream's
    dedup window. Successive states of one aggregate share this map: it only ever gains entries
    for events that are stored, so an older state seeing a newer event's outcome still tells
    the truth, and evolving stays linear in the new events instead of copying the history.
    An event this code cannot decode raises `UnreadableHistory` (permanent, decision 0005).
    """

    aggregate_id: str
    state: S
    version: int = 0
    last_seq: int = 0
    outcomes: Mapping[str, Outcome] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.version > 0

    def evolve(self, aggregate: AggregateType[S], events: list[StoredEvent]) -> Loaded[S]:
        """This state with `events` applied in order (events at or below `last_seq` are ignored)."""
        state, version, last_seq = self.state, self.version, self.last_seq
        outcomes = self.outcomes if isinstance(self.outcomes, dict) else dict(self.outcomes)
        group: list[str] = []
        group_cause: str | None = None
        fingerprint: str | None = None
        for event in events:
            if event.stream_seq <= last_seq:
                continue
            try:
                data = aggregate.registry.decode(event.envelope)
            except CorruptEvent as exc:
                raise UnreadableHistory(
                    aggregate.name, self.aggregate_id, event.stream_seq, str(exc)
                ) from exc
            state = aggregate.evolve(state, data)
            version = event.envelope.version
            last_seq = event.stream_seq
            cause = event.envelope.causation_id
            if cause != group_cause:
                group, group_cause, fingerprint = [], cause, event.envelope.command_fingerprint
            group.append(event.event_id)
            outcome = Outcome(version=version, event_ids=tuple(group), fingerprint=fingerprint)
            for event_id in group:
                outcomes[event_id] = outcome
        return Loaded(self.aggregate_id, state, version, last_seq, outcomes)
