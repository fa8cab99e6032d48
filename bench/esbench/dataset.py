"""The replay and load data set: counters of 10 events (1 CounterOpened + 9 CounterIncremented).

Seeded fast with pipelined `js.publish_async` (256 acks outstanding) on the store's subjects,
with the store's headers (`event_headers`: Event-Type, Event-Schema-Version, Nats-Msg-Id) and
without the OCC header: seeding is not a measured figure. Bodies come from one envelope per
version with the counter's id and event id swapped in; each seeding call first checks that this
gives byte for byte the envelope `counters.envelope` builds.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client
from nats.js.api import PubAck

from esbench.counters import AGGREGATE, EVENTS_PER_COUNTER, SERVICE, counter_id, dataset_order, envelope
from esbench.stats import rate
from esbench.streams import stream_messages
from jetstream_es.events import derive_event_id
from jetstream_es.jetstream.store import event_headers
from jetstream_es.store import aggregate_subject
from shop_contracts.headers import Header

WINDOW = 256
DATASET_PREFIX = "c"
PLACEHOLDER = "ZZTEMPLATEZZ"


def dataset_counter(n: int) -> str:
    return counter_id(DATASET_PREFIX, n)


def seed_cause(aggregate_id: str, version: int) -> str:
    return f"seed-{aggregate_id}-{version}"


@dataclass(frozen=True)
class Templates:
    """Per version: the envelope JSON of the placeholder counter, its event id and its headers."""

    occurred: datetime
    bodies: tuple[str, ...]
    event_ids: tuple[str, ...]
    headers: tuple[dict[str, str], ...]

    @classmethod
    def at(cls, occurred: datetime) -> Templates:
        versions = range(1, EVENTS_PER_COUNTER + 1)
        events = [envelope(PLACEHOLDER, v, seed_cause(PLACEHOLDER, v), occurred) for v in versions]
        return cls(
            occurred,
            tuple(e.model_dump_json() for e in events),
            tuple(e.event_id for e in events),
            tuple(event_headers(e) for e in events),
        )

    def event(self, aggregate_id: str, version: int) -> tuple[bytes, dict[str, str]]:
        event_id = derive_event_id(AGGREGATE, aggregate_id, seed_cause(aggregate_id, version), 0)
        body = self.bodies[version - 1].replace(self.event_ids[version - 1], event_id)
        headers = {**self.headers[version - 1], Header.MSG_ID: event_id}
        return body.replace(PLACEHOLDER, aggregate_id).encode(), headers

    def check(self, aggregate_id: str) -> None:
        for version in range(1, EVENTS_PER_COUNTER + 1):
            built = envelope(aggregate_id, version, seed_cause(aggregate_id, version), self.occurred)
            if self.event(aggregate_id, version) != (built.model_dump_json().encode(), event_headers(built)):
                raise AssertionError(f"templated event {aggregate_id} v{version} differs from the envelope")


async def publish_counters(nc: Client, first: int, last: int) -> dict[str, Any]:
    """Append counters first..last-1 to the stream; checks the stream holds all counters 0..last-1."""
    js = nc.jetstream(timeout=10)
    templates = Templates.at(datetime.now(UTC))
    templates.check(dataset_counter(first))
    pending: deque[asyncio.Future[PubAck]] = deque()
    duplicates = 0
    started = time.perf_counter()
    for counter, version in dataset_order(first, last):
        aggregate_id = dataset_counter(counter)
        body, headers = templates.event(aggregate_id, version)
        subject = aggregate_subject(SERVICE, AGGREGATE, aggregate_id)
        pending.append(await js.publish_async(subject, body, headers=headers))
        if len(pending) >= WINDOW:
            duplicates += bool((await pending.popleft()).duplicate)
    while pending:
        duplicates += bool((await pending.popleft()).duplicate)
    seconds = time.perf_counter() - started
    events = (last - first) * EVENTS_PER_COUNTER
    return {
        "events": events,
        "seconds": round(seconds, 3),
        "rate_per_s": rate(events, seconds),
        "duplicates": duplicates,
        "stored_ok": await stream_messages(nc) == last * EVENTS_PER_COUNTER,
    }
