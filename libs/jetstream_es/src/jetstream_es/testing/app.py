"""Given / when / then over a service's real wiring (decision 0007; cosmicpython's
`bootstrap_test_app()` shape).

A service's `build(..., clock=FixedClock(...), store=InMemoryEventStore(...))` returns its runtime
wired exactly as in production, without connecting anywhere; `TestApp` drives it:

- `given(*commands)` / `when(command)`: through the runtime's own handler table
  (`runtime.command_handlers`), with the request's fingerprint set as the endpoint sets it (a
  command id repeated with another payload is a `Conflict`, decision 0005);
- `events(aggregate_id)`, `types(aggregate_id)`: what the store holds, decoded by the appended
  aggregate's registry; `then(*expected)`: what the last `when` appended;
- `react(data, ...)`: one delivery of another service's event to the reactions whose `sources`
  match its subject (as the live consumer would deliver it); the reaction's own code runs;
- `fire(deadline)`: a due deadline handed to the scheduler's firer;
- `state(KIND, aggregate_id)`: the aggregate's state as the runtime's `aggregates(KIND)` loads it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandResult
from jetstream_es.deadlines import Deadline, DeadlineScheduler
from jetstream_es.events import StoredEvent
from jetstream_es.fingerprint import handling
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.projection.base import Decoded, Reaction, subject_matches
from jetstream_es.service.runtime import ServiceRuntime
from shop_contracts.aggregates import AggregateRef
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
from shop_contracts.messages import Command, EventData
from shop_contracts.subjects import event_subject

S = TypeVar("S")
_foreign_seq = itertools.count(1)


def bootstrap_test_app(
    build: Callable[..., ServiceRuntime], service: str, now: datetime, *args: Any, **kwargs: Any
) -> TestApp:
    """`build(*args, clock=FixedClock(now), store=InMemoryEventStore(service), **kwargs)`, driven."""
    clock = FixedClock(now)
    runtime = build(*args, clock=clock, store=InMemoryEventStore(service), **kwargs)
    return TestApp(runtime)


class TestApp:
    """A built runtime with an in-memory store and a fixed clock, driven by given/when/then."""

    __test__ = False  # not a pytest test class

    def __init__(self, runtime: ServiceRuntime) -> None:
        store = runtime.store
        if not isinstance(store, InMemoryEventStore):
            raise TypeError(f"{runtime.name}: build it with store=InMemoryEventStore(...) to test it")
        self.runtime = runtime
        self.store = store
        self._mark = 0

    @property
    def clock(self) -> FixedClock:
        clock = self.runtime.clock
        if not isinstance(clock, FixedClock):
            raise TypeError(f"{self.runtime.name}: build it with clock=FixedClock(...) to test it")
        return clock

    # -- commands --------------------------------------------------------------------------

    async def given(self, *commands: Command) -> None:
        for command in commands:
            await self.when(command)

    async def when(self, command: Command) -> CommandResult:
        """Handle `command` as the runtime's endpoint does (same handler, same fingerprint)."""
        handler = self.runtime.command_handlers.get(type(command))
        if handler is None:
            known = ", ".join(sorted(m.command_name for m in self.runtime.command_handlers)) or "none"
            raise LookupError(
                f"{self.runtime.name} has no handler for {command.command_name}; known: {known}"
            )
        self._mark = len(self.store.all_events)
        with handling(command):
            return await handler(command)

    # -- what was stored -------------------------------------------------------------------

    def _decode(self, event: StoredEvent) -> EventData:
        envelope = event.envelope
        for aggregate in self.runtime.appended:
            if aggregate.name == envelope.aggregate_type:
                return aggregate.registry.decode(envelope)
        raise LookupError(f"{self.runtime.name} does not declare aggregate {envelope.aggregate_type}")

    def envelopes(
        self, aggregate_id: str | None = None, *, aggregate: str | None = None
    ) -> list[EventEnvelope]:
        return [
            e.envelope
            for e in self.store.all_events
            if (aggregate_id is None or e.envelope.aggregate_id == aggregate_id)
            and (aggregate is None or e.envelope.aggregate_type == aggregate)
        ]

    def events(self, aggregate_id: str | None = None, *, aggregate: str | None = None) -> list[EventData]:
        """The decoded events of one aggregate id (or all), in stream order."""
        return [
            self._decode(e)
            for e in self.store.all_events
            if (aggregate_id is None or e.envelope.aggregate_id == aggregate_id)
            and (aggregate is None or e.envelope.aggregate_type == aggregate)
        ]

    def types(self, aggregate_id: str | None = None, *, aggregate: str | None = None) -> list[str]:
        return [e.event_type for e in self.events(aggregate_id, aggregate=aggregate)]

    def then(self, *expected: type[EventData] | EventData) -> list[EventData]:
        """The events the last `when` appended; with `expected`, assert they are those (a type
        matches any event of that type, an instance must be equal)."""
        appended = [self._decode(e) for e in self.store.all_events[self._mark :]]
        if expected:
            ok = len(appended) == len(expected) and all(
                isinstance(got, want) if isinstance(want, type) else got == want
                for got, want in zip(appended, expected, strict=True)
            )
            names = [w.__name__ if isinstance(w, type) else w.event_type for w in expected]
            assert ok, f"expected {names}, appended {[e.event_type for e in appended]}"
        return appended

    async def state(self, kind: AggregateType[S], aggregate_id: str) -> S:
        return await self.runtime.aggregates(kind).state(aggregate_id, fresh=True)

    # -- reactions and deadlines -----------------------------------------------------------

    async def react(
        self,
        data: EventData,
        *,
        aggregate_id: str,
        source: AggregateRef | None = None,
        event_id: str | None = None,
        occurred_at: datetime | None = None,
        actor: Actor = SYSTEM_ACTOR,
        version: int = 1,
    ) -> list[CommandResult]:
        """Deliver one event of another aggregate (`source`: the only source of the reactions
        reading this type, unless given) to every reaction it matches, in wiring order; the
        results of the commands they issued (`then()` shows what they appended). The same
        `event_id` delivered twice is a redelivery (the reaction's ids derive from it)."""
        reactions = [p for p, _ in self.runtime.projections if isinstance(p, Reaction)]
        readers = [r for r in reactions if data.event_type in r.handles]
        if source is None:
            found = {s for r in readers for s in r.sources}
            if len(found) != 1:
                raise LookupError(
                    f"say which aggregate {data.event_type} comes from (source=...): "
                    f"the reactions reading it list {sorted(map(str, found)) or 'none'}"
                )
            source = found.pop()
        subject = event_subject(source.service, source.name, aggregate_id)
        event_id = event_id or f"{source.name}-{aggregate_id}-{next(_foreign_seq)}"
        envelope = EventEnvelope(
            event_id=event_id,
            event_type=data.event_type,
            schema_version=data.schema_version,
            aggregate_type=source.name,
            aggregate_id=aggregate_id,
            version=version,
            occurred_at=occurred_at or self.runtime.clock.now().astimezone(UTC),
            actor=actor,
            correlation_id=event_id,
            causation_id=event_id,
            data=data.model_dump(mode="json"),
        )
        stored = StoredEvent(envelope, next(_foreign_seq), subject)
        matching = [
            r
            for r in readers
            if r.stream == source.stream and any(subject_matches(f, subject) for f in r.filter_subjects)
        ]
        if not matching:
            raise LookupError(f"no reaction of {self.runtime.name} reads {data.event_type} on {subject}")
        self._mark = len(self.store.all_events)
        with self.runtime.commands.recording() as results:
            for reaction in matching:
                await reaction.react(Decoded(stored, reaction.registry.decode(envelope)))
        return results

    async def fire(self, deadline: Deadline, *, firer: type | None = None) -> list[CommandResult]:
        """Hand a due `deadline` to the scheduler whose firer is a `firer` (the only one if unset);
        the results of the commands it issued."""
        schedulers: list[DeadlineScheduler] = [
            s for s in self.runtime.schedulers if firer is None or isinstance(s.fire, firer)
        ]
        if len(schedulers) != 1:
            known = [type(s.fire).__name__ for s in self.runtime.schedulers]
            raise LookupError(
                f"say which firer fires {deadline.kind} (firer=...); {self.runtime.name} has {known}"
            )
        self._mark = len(self.store.all_events)
        with self.runtime.commands.recording() as results:
            await schedulers[0].fire(deadline)
        return results


__all__ = ["TestApp", "bootstrap_test_app"]
