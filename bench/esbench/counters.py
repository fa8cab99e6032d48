"""The sample Counter domain as the benchmark writes it: ids, envelopes, the data set's order.

Envelopes are built the way `CommandHandler._envelopes` builds them: ids derived from a cause,
typed event data dumped into `data`, one aggregate version per event.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from jetstream_es.events import derive_event_id
from jetstream_es.testing.sample import COUNTER, CounterIncremented, CounterOpened
from shop_contracts.envelope import Actor, EventEnvelope
from shop_contracts.messages import EventData

SERVICE = "sample"
STREAM = "SAMPLE"
STREAM_SUBJECTS = ("sample.events.>",)
EVENT_FILTER = "sample.events.Counter.>"
AGGREGATE = COUNTER.name
EVENTS_PER_COUNTER = 10
ACTIVE = 1_000
"""Counters written at a time: a counter's events are this many sequences apart, as in the baseline."""

ACTOR = Actor(id="bench", roles=("system",))


def counter_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:06d}"


def counter_data(aggregate_id: str, version: int) -> EventData:
    """Version 1 opens the counter, every later version increments it by one."""
    if version == 1:
        return CounterOpened(name=f"counter {aggregate_id}", limit=1_000_000)
    return CounterIncremented(by=1)


def envelope(aggregate_id: str, version: int, cause: str, occurred_at: datetime) -> EventEnvelope:
    data = counter_data(aggregate_id, version)
    return EventEnvelope(
        event_id=derive_event_id(AGGREGATE, aggregate_id, cause, 0),
        event_type=data.event_type,
        schema_version=data.schema_version,
        aggregate_type=AGGREGATE,
        aggregate_id=aggregate_id,
        version=version,
        occurred_at=occurred_at,
        actor=ACTOR,
        correlation_id=cause,
        causation_id=cause,
        data=data.model_dump(mode="json"),
    )


def dataset_order(first: int, last: int) -> Iterator[tuple[int, int]]:
    """(counter, version) of counters first..last-1 in generations of ACTIVE, round-robin."""
    for start in range(first, last, ACTIVE):
        stop = min(start + ACTIVE, last)
        for version in range(1, EVENTS_PER_COUNTER + 1):
            for counter in range(start, stop):
                yield counter, version
