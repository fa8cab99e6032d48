"""The fulfilment service booted from its real `build()` on an in-memory store and a fixed clock
(`jetstream_es.testing.app.TestApp`), driven one bounded context at a time.

Both contexts run on the one runtime, as in production; a context's harness pumps the service's
own new events to that context's reactions only (as their durable consumers would deliver them)
and delivers other services' events to the context's reactions, so a shipping test is not also a
stock ledger test. The reactions are the runtime's own objects: nothing here re-lists the wiring.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from fulfilment.bootstrap import FulfilmentSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.events import StoredEvent
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.projection import Decoded, Reaction, subject_matches
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp
from shop_contracts.aggregates import AggregateRef
from shop_contracts.envelope import SYSTEM_ACTOR, EventEnvelope
from shop_contracts.messages import Command, EventData
from shop_contracts.subjects import event_subject

R = TypeVar("R", bound=Reaction)
_seq = itertools.count(1)


class FulfilmentApp(TestApp):
    """The service's runtime, with `context` ("shipping" or "stock") naming whose reactions run."""

    context: ClassVar[str]

    def __init__(
        self,
        now: datetime,
        settings: FulfilmentSettings | None = None,
        *,
        calendar: DepartmentCalendar | None = None,
    ) -> None:
        runtime = build(
            RuntimeSettings(),
            settings or FulfilmentSettings(),
            clock=FixedClock(now),
            store=InMemoryEventStore("fulfilment"),
            calendar=calendar,
        )
        super().__init__(runtime)
        self._pumped = 0

    @property
    def reactions(self) -> list[Reaction]:
        """This context's reactions, in wiring order."""
        prefix = f"fulfilment.{self.context}."
        return [
            p
            for p, _ in self.runtime.projections
            if isinstance(p, Reaction) and type(p).__module__.startswith(prefix)
        ]

    def reaction(self, kind: type[R]) -> R:
        found = [r for r in self.reactions if isinstance(r, kind)]
        assert len(found) == 1, f"{kind.__name__} is wired {len(found)} times in {self.context}"
        return found[0]

    def handlers(self, command: type[Command]) -> Any:
        """The object whose method the runtime serves `command` with (the context's commands)."""
        return self.runtime.command_handlers[command].__self__  # type: ignore[attr-defined]

    async def pump(self) -> None:
        """Feed the service's new events to this context's reactions reading them."""
        while self._pumped < len(self.store.all_events):
            event = self.store.all_events[self._pumped]
            self._pumped += 1
            await self._to_reactions(self.reactions, event)

    async def deliver_to(
        self,
        reaction: Reaction,
        data: EventData,
        *,
        source: AggregateRef,
        aggregate_id: str,
        at: datetime,
        event_id: str | None = None,
    ) -> None:
        """One delivery of an event of `source` (another service's, or the other context's) to
        `reaction`; the same `event_id` twice is a redelivery."""
        event_id = event_id or f"ev-{next(_seq)}"
        envelope = EventEnvelope(
            event_id=event_id,
            event_type=data.event_type,
            schema_version=data.schema_version,
            aggregate_type=source.name,
            aggregate_id=aggregate_id,
            version=1,
            occurred_at=at.astimezone(UTC),
            actor=SYSTEM_ACTOR,
            correlation_id=event_id,
            causation_id=event_id,
            data=data.model_dump(mode="json"),
        )
        stored = StoredEvent(envelope, next(_seq), event_subject(source.service, source.name, aggregate_id))
        delivered = await self._to_reactions([reaction], stored)
        assert delivered, f"{reaction.name} does not read {data.event_type} on {stored.subject}"

    async def _to_reactions(self, reactions: list[Reaction], event: StoredEvent) -> int:
        delivered = 0
        for reaction in reactions:
            if event.event_type not in reaction.handles:
                continue
            if not any(subject_matches(f, event.subject) for f in reaction.filter_subjects):
                continue
            await reaction.react(Decoded(event, reaction.registry.decode(event.envelope)))
            delivered += 1
        return delivered
