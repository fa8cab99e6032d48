"""Figure 3, in a fresh process: `ProjectionRunner.rebuild()` of `CounterTotals` into SQLite.

`python -m esbench.replay_child --url U --db PATH --consumer NAME [--max-seconds S] [--profile P]`
prints one JSON object.

The durable consumer is provisioned and the runner started as a service would; the live loop is
then stopped so the figure is the rebuild alone (a caught-up live loop idles). A rebuild still
running after S seconds is cancelled and reported as partial, with the events the projection
applied until then; what the cancellation raised is reported as `cancel_error`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nats
import nats.errors
import psutil
from nats.aio.client import Client
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from esbench.counters import EVENT_FILTER, EVENTS_PER_COUNTER, SERVICE, STREAM
from esbench.profiling import profiled
from jetstream_es.clock import SystemClock
from jetstream_es.logging import configure_logging
from jetstream_es.projection import ApplyContext, Decoded, Projection, ProjectionRunner, Tables
from jetstream_es.provision import ConsumerSpec, provision
from jetstream_es.settings import inbox_prefix
from jetstream_es.sql import make_engine
from jetstream_es.testing.sample import CounterTotals, registry

MB = 1024 * 1024
RSS_EVERY_S = 1.0
RSS_POINTS = 12


def rss_mb() -> float:
    return round(psutil.Process().memory_info().rss / MB, 1)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB, 1)


@dataclass
class RssTrace:
    """RSS every second while the rebuild runs, as (seconds, MB)."""

    started: float = field(default_factory=time.perf_counter)
    samples: list[tuple[float, float]] = field(default_factory=list)

    async def run(self) -> None:
        while True:
            self.samples.append((round(time.perf_counter() - self.started, 1), rss_mb()))
            await asyncio.sleep(RSS_EVERY_S)

    def points(self) -> list[tuple[float, float]]:
        step = max(1, len(self.samples) // RSS_POINTS)
        return self.samples[::step]


@dataclass
class ProcessWatch:
    """Seconds spent in garbage collection and slow-consumer errors (messages nats-py dropped)."""

    gc_seconds: float = 0.0
    slow_consumer_errors: int = 0
    _gc_started: float = 0.0

    def on_gc(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_seconds += time.perf_counter() - self._gc_started

    async def on_error(self, error: Exception) -> None:
        if isinstance(error, nats.errors.SlowConsumerError):
            self.slow_consumer_errors += 1


class CountedCounterTotals(CounterTotals):
    """`CounterTotals` counting the events it applied. A cancelled rebuild drops its new
    generation, so this count is how a partial replay is measured (to within one batch)."""

    applied = 0

    async def apply_batch(
        self, conn: AsyncConnection, tables: Tables, items: Sequence[Decoded], ctx: ApplyContext
    ) -> None:
        await super().apply_batch(conn, tables, items, ctx)
        self.applied += len(items)


@dataclass(frozen=True)
class Outcome:
    seconds: float
    complete: bool
    cancel_error: str | None = None


async def timed_rebuild(runner: ProjectionRunner, max_seconds: float | None) -> Outcome:
    """Run `rebuild()`; cancel it after `max_seconds`, keeping what the cancellation raised."""
    started = time.perf_counter()
    task = asyncio.create_task(runner.rebuild())
    done, _ = await asyncio.wait({task}, timeout=max_seconds)
    seconds = time.perf_counter() - started
    if done:
        task.result()
        return Outcome(seconds, complete=True)
    task.cancel()
    (error,) = await asyncio.gather(task, return_exceptions=True)
    cancel_error = None if isinstance(error, asyncio.CancelledError) else repr(error)[:300]
    return Outcome(seconds, complete=False, cancel_error=cancel_error)


async def table_totals(runner: ProjectionRunner) -> dict[str, int]:
    totals = runner.tables["totals"]
    query = select(func.count(), func.sum(totals.c.total), func.sum(totals.c.increments))
    async with runner.engine.connect() as conn:
        rows, total, increments = (await conn.execute(query)).one()
    return {"rows": int(rows), "total": int(total or 0), "increments": int(increments or 0)}


async def rows_ok(runner: ProjectionRunner, stream_events: int) -> bool:
    """After a complete rebuild: every counter has its row with its 9 increments of 1."""
    counters = stream_events // EVENTS_PER_COUNTER
    increments = counters * (EVENTS_PER_COUNTER - 1)
    return await table_totals(runner) == {"rows": counters, "total": increments, "increments": increments}


async def start_runner(
    nc: Client, database_url: str, consumer: str, projection: Projection
) -> ProjectionRunner:
    await provision(nc, [], [ConsumerSpec(STREAM, consumer, (EVENT_FILTER,))])
    runner = ProjectionRunner(
        nc, make_engine(database_url), projection, service=SERVICE, consumer=consumer, clock=SystemClock()
    )
    await runner.start()
    await runner.stop()
    return runner


async def rebuild(args: argparse.Namespace) -> dict[str, Any]:
    watch = ProcessWatch()
    nc = await nats.connect(args.url, error_cb=watch.on_error, inbox_prefix=inbox_prefix("esbench-replay"))
    stream_events = int((await nc.jetstream().stream_info(STREAM)).state.messages)
    projection = CountedCounterTotals(registry)
    runner = await start_runner(nc, f"sqlite+aiosqlite:///{args.db}", args.consumer, projection)
    rss_before, trace = rss_mb(), RssTrace()
    tracer = asyncio.create_task(trace.run())
    gc.callbacks.append(watch.on_gc)
    with profiled(args.profile):
        outcome = await timed_rebuild(runner, args.max_seconds)
    gc.callbacks.remove(watch.on_gc)
    tracer.cancel()
    peak, rss_after = peak_rss_mb(), rss_mb()
    checked = await rows_ok(runner, stream_events) if outcome.complete else None
    await nc.jetstream().delete_consumer(STREAM, args.consumer)
    await runner.engine.dispose()
    await nc.close()
    return {
        "stream_events": stream_events,
        "events": projection.applied,
        "complete": outcome.complete,
        "seconds": round(outcome.seconds, 3),
        "rate_per_s": round(projection.applied / outcome.seconds, 1),
        "max_seconds": args.max_seconds,
        "rows_ok": checked,
        "cancel_error": outcome.cancel_error,
        "rss_before_rebuild_mb": rss_before,
        "rss_after_rebuild_mb": rss_after,
        "peak_rss_mb": peak,
        "rss_trace_s_mb": trace.points(),
        "gc_seconds": round(watch.gc_seconds, 1),
        "slow_consumer_errors": watch.slow_consumer_errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--consumer", required=True)
    parser.add_argument("--max-seconds", type=float)
    parser.add_argument("--profile")
    args = parser.parse_args()
    configure_logging(SERVICE, "WARNING", json=True)
    print(json.dumps(asyncio.run(rebuild(args))), flush=True)


if __name__ == "__main__":
    main()
