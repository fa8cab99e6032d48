"""Figure 1: `JetStreamEventStore.append` by 64 writers on one connection, each with its own counters.

Every append carries the counter's correct expected last sequence (the OCC check runs on the
server) and an envelope built like the command handler builds it, at the moment of the append.
Two experiments (not the library's path) send the same envelopes and headers straight through
nats-py: `js-publish` (what the store calls) and `publish-async-awaited` (one pipelined publish
whose ack future is awaited), to show what the store adds and what another publish call would give.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client
from nats.js.errors import APIError

from esbench.config import Sizes
from esbench.counters import AGGREGATE, SERVICE, STREAM, counter_id, envelope
from esbench.stats import latency_summary, rate
from esbench.streams import stream_messages
from jetstream_es.clock import SystemClock
from jetstream_es.errors import ConcurrencyConflict
from jetstream_es.jetstream.store import JetStreamEventStore, event_headers
from jetstream_es.store import aggregate_subject
from shop_contracts.envelope import EventEnvelope
from shop_contracts.headers import Header

Append = Callable[[str, EventEnvelope, int], Awaitable[int]]
"""(aggregate id, envelope, expected last sequence) -> stored sequence."""
APPEND_WAYS = ("library", "js-publish", "publish-async-awaited")
WRONG_LAST_SEQUENCE = 10071


@dataclass
class AppendTally:
    latencies_ns: list[int] = field(default_factory=list)
    conflicts: int = 0


def nats_request(subject: str, event: EventEnvelope, expected: int) -> tuple[str, bytes, dict[str, str]]:
    headers = event_headers(event)
    headers[Header.EXPECTED_LAST_SUBJECT_SEQ] = str(expected)
    return subject, event.model_dump_json().encode(), headers


def append_way(nc: Client, store: JetStreamEventStore, way: str) -> Append:
    js = nc.jetstream()

    async def library(aggregate_id: str, event: EventEnvelope, expected: int) -> int:
        return (await store.append(AGGREGATE, aggregate_id, [event], expected)).last_seq

    async def js_publish(aggregate_id: str, event: EventEnvelope, expected: int) -> int:
        subject, body, headers = nats_request(
            aggregate_subject(SERVICE, AGGREGATE, aggregate_id), event, expected
        )
        return int((await js.publish(subject, body, headers=headers)).seq)

    async def publish_async_awaited(aggregate_id: str, event: EventEnvelope, expected: int) -> int:
        subject, body, headers = nats_request(
            aggregate_subject(SERVICE, AGGREGATE, aggregate_id), event, expected
        )
        return int((await (await js.publish_async(subject, body, headers=headers))).seq)

    ways: dict[str, Append] = {
        "library": library,
        "js-publish": js_publish,
        "publish-async-awaited": publish_async_awaited,
    }
    return ways[way]


async def writer(append: Append, owned: list[str], rounds: int, tally: AppendTally) -> None:
    """Append `rounds` events to each owned counter, tracking each counter's last sequence."""
    clock = SystemClock()
    last_seq = dict.fromkeys(owned, 0)
    for version in range(1, rounds + 1):
        for aggregate_id in owned:
            event = envelope(aggregate_id, version, f"append-{aggregate_id}-{version}", clock.now())
            started = time.perf_counter_ns()
            try:
                last_seq[aggregate_id] = await append(aggregate_id, event, last_seq[aggregate_id])
            except ConcurrencyConflict:
                tally.conflicts += 1
                continue
            except APIError as exc:
                if exc.err_code != WRONG_LAST_SEQUENCE:
                    raise
                tally.conflicts += 1
                continue
            tally.latencies_ns.append(time.perf_counter_ns() - started)


async def run_append(nc: Client, sizes: Sizes, way: str = "library") -> dict[str, Any]:
    """The stream must be fresh: its message count is checked against the appends."""
    store = JetStreamEventStore(nc, SERVICE, stream=STREAM)
    append = append_way(nc, store, way)
    rounds = max(1, sizes.append_events // sizes.append_aggregates)
    ids = [counter_id("a", n) for n in range(sizes.append_aggregates)]
    tally = AppendTally()
    started = time.perf_counter()
    await asyncio.gather(
        *(writer(append, ids[w :: sizes.writers], rounds, tally) for w in range(sizes.writers))
    )
    seconds = time.perf_counter() - started
    await store.close()
    appended = len(tally.latencies_ns)
    return {
        "way": way,
        "events": appended,
        "seconds": round(seconds, 3),
        "rate_per_s": rate(appended, seconds),
        "writers": sizes.writers,
        "aggregates": sizes.append_aggregates,
        "events_per_aggregate": rounds,
        "conflicts": tally.conflicts,
        "stored_ok": await stream_messages(nc) == rounds * sizes.append_aggregates,
        "latency": latency_summary(tally.latencies_ns),
    }
