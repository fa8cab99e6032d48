"""Figure 4: cold load of one counter (10 events) through `Repository` with no cache.

Each load is the store's batch direct get on the counter's literal subject, decoded and folded
into state. Loads start once nats-server is idle, after an untimed warm-up: right after seeding,
the server's block cache is cold and random loads pay for loading blocks (`warmup_latency` keeps
that tail). Every library load is followed by the same direct get of another random counter
without decoding (`direct_get_latency`): the server's part of a load.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from random import Random
from typing import Any

import psutil
from nats.aio.client import Client

from esbench.config import Sizes
from esbench.counters import AGGREGATE, EVENTS_PER_COUNTER, SERVICE, STREAM
from esbench.dataset import dataset_counter
from esbench.stats import latency_summary
from esbench.streams import stream_messages
from jetstream_es.jetstream.direct_get import DirectGetClient
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.repository import Repository
from jetstream_es.store import aggregate_subject
from jetstream_es.testing.sample import COUNTER, CounterState

IDLE_CPU_PERCENT = 5.0
MAX_SETTLE_S = 30.0


async def server_idle(server_pid: int) -> float:
    """Wait until nats-server used under 5 % of a core for a second (at most 30 s); seconds waited."""
    server = psutil.Process(server_pid)
    server.cpu_percent()
    started = time.perf_counter()
    while time.perf_counter() - started < MAX_SETTLE_S:
        await asyncio.sleep(1.0)
        if server.cpu_percent() < IDLE_CPU_PERCENT:
            break
    return round(time.perf_counter() - started, 1)


@dataclass
class LoadSamples:
    loads: list[int] = field(default_factory=list)
    direct_gets: list[int] = field(default_factory=list)
    wrong: int = 0


async def sample_loads(
    repo: Repository[CounterState],
    direct: DirectGetClient,
    counters: int,
    seconds: float,
    max_loads: int,
    rng: Random,
) -> LoadSamples:
    """Alternately a library load and a bare direct get of random counters, for `seconds`."""
    samples = LoadSamples()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(samples.loads) < max_loads:
        started = time.perf_counter_ns()
        loaded = await repo.load(dataset_counter(rng.randrange(counters)))
        samples.loads.append(time.perf_counter_ns() - started)
        samples.wrong += loaded.version != EVENTS_PER_COUNTER or loaded.state.total != EVENTS_PER_COUNTER - 1
        subject = aggregate_subject(SERVICE, AGGREGATE, dataset_counter(rng.randrange(counters)))
        started = time.perf_counter_ns()
        messages, _ = await direct.batch(subject, 1)
        samples.direct_gets.append(time.perf_counter_ns() - started)
        samples.wrong += len(messages) != EVENTS_PER_COUNTER
    return samples


async def run_loads(
    nc: Client, counters: int, sizes: Sizes, server_pid: int, seed: int = 1
) -> dict[str, Any]:
    """Loads of random counters among 0..counters-1, one at a time: a warm-up, then the figure."""
    store = JetStreamEventStore(nc, SERVICE, stream=STREAM)
    repo = Repository(store, COUNTER, cache_size=0)
    direct = DirectGetClient(nc, STREAM)
    rng = Random(seed)
    settle_seconds = await server_idle(server_pid)
    warmup = await sample_loads(repo, direct, counters, sizes.load_warmup_seconds, sys.maxsize, rng)
    measured = await sample_loads(repo, direct, counters, sizes.load_seconds, sizes.max_loads, rng)
    await store.close()
    await direct.stop()
    return {
        "aggregates": counters,
        "stream_events": await stream_messages(nc),
        "events_per_load": EVENTS_PER_COUNTER,
        "settle_seconds": settle_seconds,
        "warmup_seconds": sizes.load_warmup_seconds,
        "warmup_latency": latency_summary(warmup.loads),
        "loads": len(measured.loads),
        "wrong_loads": warmup.wrong + measured.wrong,
        "latency": latency_summary(measured.loads),
        "direct_get_latency": latency_summary(measured.direct_gets),
    }
