"""Projection runner against a real nats-server (ARCHITECTURE.md "Projections and reactions").

Exactly once through a crash between commit and ack; poison messages and failing handlers end
in the DLQ with a reason while later events still project; a rebuild equals the live table.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
import structlog
import structlog.testing
from nats.aio.client import Client
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.projection.base import ApplyContext, Decoded, Tables
from jetstream_es.projection.runner import ProjectionRunner, RunnerSettings
from jetstream_es.repository import Repository
from jetstream_es.sql import make_engine
from jetstream_es.testing.harness import eventually
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.sample import COUNTER, CounterTotals, OpenCounter, increment, open_counter, registry
from shop_contracts.headers import Header

from .helpers import ACTOR, CONSUMER, provision_consumer

pytestmark = pytest.mark.integration
FAST = RunnerSettings(batch_size=50, fetch_timeout=0.2, max_deliver=3, backoff=(0.02, 0.05))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'projection.db'}")
    yield engine
    await engine.dispose()


async def open_and_increment(store: JetStreamEventStore, counter: str, increments: int, by: int = 1) -> None:
    handler = CommandHandler(FixedClock())
    repo = Repository(store, COUNTER)
    cmd = OpenCounter(command_id=f"open-{counter}", actor=ACTOR, counter_id=counter, name=f"n-{counter}")
    await handler.execute(
        repo, counter, Cause.of_command(cmd.command_id, ACTOR), lambda s: open_counter(s, cmd)
    )
    for i in range(increments):
        cause = Cause.of_command(f"inc-{counter}-{i}", ACTOR)
        await handler.execute(repo, counter, cause, lambda s: increment(s, by))


_started: list[ProjectionRunner] = []


@pytest.fixture(autouse=True)
async def _stop_runners() -> AsyncIterator[None]:
    yield
    while _started:
        await _started.pop().stop()


async def runner_for(
    nc: Client, engine: AsyncEngine, projection: CounterTotals | None = None
) -> ProjectionRunner:
    runner = ProjectionRunner(
        nc,
        engine,
        projection or CounterTotals(registry),
        service="sample",
        consumer=CONSUMER,
        clock=FixedClock(),
        settings=FAST,
    )
    await runner.start()
    _started.append(runner)
    return runner


async def rows(runner: ProjectionRunner) -> list[tuple[str, str, int, int]]:
    async with runner.engine.connect() as conn:
        return await CounterTotals.rows(conn, runner.tables)


async def dlq_messages(nc: Client) -> list[dict[str, str]]:
    js = nc.jetstream()
    info = await js.stream_info("DLQ")
    found = []
    if not info.state.messages:
        return found
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg("DLQ", seq)
        found.append(dict(msg.headers or {}))
    return found if info.state.messages else []


async def test_events_project_once_and_the_checkpoint_follows(nc: Client, engine: AsyncEngine) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "c1", 3, by=2)
    await open_and_increment(store, "c2", 1, by=5)
    runner = await runner_for(nc, engine)
    await runner.wait_caught_up()
    assert await rows(runner) == [("c1", "n-c1", 6, 3), ("c2", "n-c2", 5, 1)]
    assert runner.checkpoint == 6
    await runner.stop()
    await store.close()


async def test_a_process_killed_after_commit_before_ack_applies_the_event_exactly_once(
    nats_server: NatsServer, nc: Client, engine: AsyncEngine, tmp_path: Path
) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc, ack_wait_s=1.0)
    await open_and_increment(store, "k1", 4)
    db = tmp_path / "projection.db"
    crash = subprocess.run(  # noqa: ASYNC221 - the child must die on its own
        [sys.executable, str(Path(__file__).with_name("crash_after_commit.py")), nats_server.url, str(db)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert crash.returncode == -signal.SIGKILL, crash.stderr.decode()[-2000:]
    runner = await runner_for(nc, engine)
    assert runner.checkpoint == 5, "the crashed process committed every event before dying"
    await asyncio.sleep(1.2)  # past ack_wait: nothing the dead process left unacked comes back
    await runner.wait_caught_up()
    assert await rows(runner) == [("k1", "n-k1", 4, 4)]
    info = await nc.jetstream().consumer_info("SAMPLE", CONSUMER)
    assert runner.skipped_redelivered == 0, "the consumer resumed after the checkpoint"
    assert info.ack_floor.stream_seq == 5
    assert info.num_ack_pending == 0
    await runner.stop()
    await store.close()


async def test_poison_messages_go_to_the_dlq_with_a_reason_and_later_events_still_project(
    nc: Client, engine: AsyncEngine
) -> None:
    js = nc.jetstream()
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "p1", 1)
    good = (await store.read("Counter", "p1"))[-1].envelope
    await js.publish(
        "sample.events.Counter.p1", b"{not json", headers={Header.EVENT_TYPE: "CounterIncremented"}
    )
    await js.publish("sample.events.Counter.p1", b"{}", headers={Header.EVENT_TYPE: "CounterExploded"})
    bad_schema = good.model_copy(update={"event_id": "bad-schema", "version": 3, "data": {"by": "lots"}})
    await js.publish(
        "sample.events.Counter.p1",
        bad_schema.model_dump_json().encode(),
        headers={Header.EVENT_TYPE: "CounterIncremented"},
    )
    await js.publish("sample.events.Counter.p1", b"{}")
    await open_and_increment(store, "p2", 2)
    runner = await runner_for(nc, engine)
    await runner.wait_caught_up()
    assert await rows(runner) == [("p1", "n-p1", 1, 1), ("p2", "n-p2", 2, 2)]
    dead = await dlq_messages(nc)
    assert [d["Dlq-Reason"] for d in dead] == [
        "undecodable",
        "unknown_event_type",
        "undecodable",
        "missing_event_type",
    ]
    assert all(d["Dlq-Stream"] == "SAMPLE" and d["Dlq-Consumer"] == CONSUMER for d in dead)
    assert "schema" in dead[2]["Dlq-Error"]
    assert runner.dead_lettered == 4
    await runner.stop()
    await store.close()


async def test_an_unknown_event_type_on_another_services_stream_is_skipped_not_dead_lettered(
    nc: Client, engine: AsyncEngine
) -> None:
    """Decisions 0002/0005: a reader of another service's stream is a tolerant reader."""
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "f1", 1)
    await nc.jetstream().publish(
        "sample.events.Counter.f1", b"{}", headers={Header.EVENT_TYPE: "CounterRenamed"}
    )
    await open_and_increment(store, "f2", 2)
    runner = ProjectionRunner(
        nc,
        engine,
        CounterTotals(registry),
        service="orders",
        consumer=CONSUMER,
        clock=FixedClock(),
        settings=FAST,
    )
    await runner.start()
    _started.append(runner)

    await runner.wait_caught_up()

    assert await rows(runner) == [("f1", "n-f1", 1, 1), ("f2", "n-f2", 2, 2)]
    assert await dlq_messages(nc) == []
    assert runner.dead_lettered == 0
    await store.close()


class FailingFor(CounterTotals):
    """Fails on every increment of one counter: a bug or an outage in the handler."""

    def __init__(self, counter: str) -> None:
        super().__init__(registry)
        self.counter = counter
        self.calls = 0

    async def apply(self, conn, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:  # type: ignore[no-untyped-def]
        if item.event.envelope.aggregate_id == self.counter and item.event.event_type == "CounterIncremented":
            self.calls += 1
            raise RuntimeError("projection table is broken")
        await CounterTotals.apply_batch(self, conn, tables, [item], ctx)

    async def apply_batch(self, conn, tables: Tables, items, ctx: ApplyContext) -> None:  # type: ignore[no-untyped-def]
        for item in items:
            await self.apply(conn, tables, item, ctx)


async def test_a_failing_handler_is_retried_then_dead_lettered_and_the_runner_moves_on(
    nc: Client, engine: AsyncEngine
) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "f1", 1)
    await open_and_increment(store, "f2", 2)
    failing = FailingFor("f1")
    with structlog.testing.capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        runner = await runner_for(nc, engine, failing)
        await runner.wait_caught_up()
    parked = next(entry for entry in logs if entry["event"] == "event_dead_lettered")
    assert parked["subject"] == "sample.events.Counter.f1"
    assert (parked["stream_seq"], parked["reason"]) == (2, "handler_failed")
    assert parked["event_id"], "logs carry the event id, subject and stream sequence"
    assert await rows(runner) == [("f1", "n-f1", 0, 0), ("f2", "n-f2", 2, 2)]
    assert failing.calls == 1 + FAST.max_deliver, "one batch try, then max_deliver single attempts"
    dead = await dlq_messages(nc)
    assert len(dead) == 1
    assert dead[0]["Dlq-Reason"] == "handler_failed"
    assert dead[0]["Dlq-Attempts"] == str(FAST.max_deliver)
    assert "projection table is broken" in dead[0]["Dlq-Error"]
    assert dead[0][Header.EVENT_TYPE] == "CounterIncremented", "original headers travel with it"
    await runner.stop()
    await store.close()


async def test_a_rebuilt_projection_equals_the_live_one_row_for_row(nc: Client, engine: AsyncEngine) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    for n in range(20):
        await open_and_increment(store, f"r{n:02d}", n % 4, by=n + 1)
    runner = await runner_for(nc, engine)
    await runner.wait_caught_up()
    live = await rows(runner)
    old_generation = runner.generation

    async def keep_writing() -> None:
        for n in range(20, 30):
            await open_and_increment(store, f"r{n:02d}", 2)

    writer = asyncio.create_task(keep_writing())
    report = await runner.rebuild()
    await writer
    await runner.wait_caught_up()
    assert runner.generation == old_generation + 1
    assert report.generation == runner.generation
    rebuilt = await rows(runner)
    assert rebuilt[:20] == live
    assert len(rebuilt) == 30
    assert rebuilt[25] == ("r25", "n-r25", 2, 2)
    await runner.stop()
    await store.close()


async def test_a_rebuild_survives_a_restart_and_readers_keep_the_new_generation(
    nc: Client, engine: AsyncEngine
) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "g1", 2)
    runner = await runner_for(nc, engine)
    await runner.wait_caught_up()
    await runner.rebuild()
    await runner.stop()
    again = await runner_for(nc, engine)
    assert again.generation == 2
    assert await rows(again) == [("g1", "n-g1", 2, 2)]
    await again.stop()
    await store.close()


async def test_rebuild_from_a_later_sequence_skips_earlier_events(nc: Client, engine: AsyncEngine) -> None:
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "s1", 1)
    await open_and_increment(store, "s2", 1)
    runner = await runner_for(nc, engine)
    await runner.wait_caught_up()
    await runner.rebuild(from_seq=3)
    assert await rows(runner) == [("s2", "n-s2", 1, 1)]
    await runner.stop()
    await store.close()


async def test_a_reaction_cannot_be_replayed(nc: Client, engine: AsyncEngine) -> None:
    class Reaction(CounterTotals):
        side_effects = True

    await provision_consumer(nc)
    runner = await runner_for(nc, engine, Reaction(registry))
    with pytest.raises(ValueError, match="side effects"):
        await runner.rebuild()
    await runner.stop()


async def test_events_a_dead_process_fetched_but_never_applied_are_applied_first_after_a_restart(
    nc: Client, engine: AsyncEngine
) -> None:
    """A process that fetched a batch and died before committing leaves it unacked until ack_wait;
    a restarted runner must not apply later events first (its checkpoint would then skip the
    batch when it comes back): it resumes the consumer at checkpoint + 1."""
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc, ack_wait_s=30.0)
    await open_and_increment(store, "d1", 3)
    dead = await nc.jetstream().pull_subscribe_bind(durable=CONSUMER, stream="SAMPLE")
    fetched = await dead.fetch(2, timeout=2)
    assert [m.metadata.sequence.stream for m in fetched] == [1, 2]
    await dead.unsubscribe()

    runner = await runner_for(nc, engine)
    await open_and_increment(store, "d2", 1)

    projected = await eventually(lambda: rows(runner), lambda r: len(r) == 2, within=10)
    assert projected == [("d1", "n-d1", 3, 3), ("d2", "n-d2", 1, 1)]
    await runner.wait_caught_up()
    assert runner.checkpoint == 6
    await runner.stop()
    await store.close()


async def test_a_delivery_lost_on_the_way_is_not_overtaken_by_later_events(
    nc: Client, engine: AsyncEngine
) -> None:
    """A delivery the runner never received (here: taken by another subscriber, as a fetch reply
    lost while a node fails) shows as a gap in the consumer's delivery sequence: the runner applies
    nothing after it and resumes the consumer at its checkpoint, so no event is skipped."""
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc, ack_wait_s=30.0)
    await open_and_increment(store, "g1", 1)
    runner = await runner_for(nc, engine)
    await runner.wait_caught_up()
    await runner.pause()
    await open_and_increment(store, "g2", 2)
    thief = await nc.jetstream().pull_subscribe_bind(durable=CONSUMER, stream="SAMPLE")
    stolen = await thief.fetch(1, timeout=2)
    assert [m.metadata.sequence.stream for m in stolen] == [3]
    await thief.unsubscribe()

    runner.resume()

    projected = await eventually(lambda: rows(runner), lambda r: len(r) == 2, within=10)
    assert projected == [("g1", "n-g1", 1, 1), ("g2", "n-g2", 2, 2)]
    await runner.stop()
    await store.close()


class StoreDownFor(CounterTotals):
    """CounterTotals whose database is unreachable for the first `failures` attempts."""

    def __init__(self, failures: int) -> None:
        super().__init__(registry)
        self.failures = failures

    async def apply_batch(
        self, conn: AsyncConnection, tables: Tables, items: Sequence[Decoded], ctx: ApplyContext
    ) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise OperationalError("UPDATE counter_totals", {}, ConnectionRefusedError("connection refused"))
        await super().apply_batch(conn, tables, items, ctx)


async def test_an_unreachable_store_is_waited_for_not_dead_lettered(nc: Client, engine: AsyncEngine) -> None:
    """A database restart longer than the retry budget (max_deliver=3 here) must not park events
    in the DLQ: the event is not at fault. The runner waits for the store and applies in order."""
    store = JetStreamEventStore(nc, "sample", stream="SAMPLE")
    await provision_consumer(nc)
    await open_and_increment(store, "s1", 2)
    runner = await runner_for(nc, engine, StoreDownFor(failures=8))

    await runner.wait_caught_up(within=20)

    assert await rows(runner) == [("s1", "n-s1", 2, 2)]
    assert await dlq_messages(nc) == []
    await runner.stop()
    await store.close()
