"""The deadline scheduler: each due, open deadline fires once; failures retry later; a restart
fires nothing twice (ARCHITECTURE.md "Time", deadlines)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.clock import FixedClock
from jetstream_es.deadlines import Deadline, DeadlineScheduler, cancel, define_deadlines_table, schedule
from jetstream_es.sql import make_engine

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
metadata = MetaData()
TABLE = define_deadlines_table(metadata)


def contact(deadline_id: str = "contact-o1", due_in: timedelta = timedelta(minutes=10)) -> Deadline:
    return Deadline(deadline_id, "customer_contact", "o1", NOW + due_in, {"order_id": "o1"})


class Recorder:
    """A fire callback that records what it fired and can be told to fail."""

    def __init__(self) -> None:
        self.fired: list[Deadline] = []
        self.failing = False

    async def __call__(self, deadline: Deadline) -> None:
        if self.failing:
            raise RuntimeError("command bus down")
        self.fired.append(deadline)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'deadlines.db'}"


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fire() -> Recorder:
    return Recorder()


@pytest.fixture
def scheduler(engine: AsyncEngine, clock: FixedClock, fire: Recorder) -> DeadlineScheduler:
    return DeadlineScheduler(engine, lambda: TABLE, clock, fire, tick=0.05, retry_after=timedelta(seconds=30))


async def given(engine: AsyncEngine, *deadlines: Deadline) -> None:
    async with engine.begin() as conn:
        for deadline in deadlines:
            await schedule(conn, TABLE, deadline)


async def row(engine: AsyncEngine, deadline_id: str, table: Table = TABLE) -> Row[tuple[object, ...]]:
    async with engine.connect() as conn:
        return (await conn.execute(select(table).where(table.c.id == deadline_id))).one()


async def test_a_due_deadline_fires_with_its_payload(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=10))

    assert await scheduler.run_due() == 1

    assert fire.fired == [contact()]


async def test_a_fired_deadline_is_marked_fired_at_the_clock_time(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=11))

    await scheduler.run_due()

    assert (await row(engine, "contact-o1")).fired_at == NOW + timedelta(minutes=11)


async def test_a_fired_deadline_does_not_fire_again(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=10))
    await scheduler.run_due()

    clock.advance(timedelta(hours=1))

    assert await scheduler.run_due() == 0
    assert len(fire.fired) == 1


async def test_a_deadline_not_yet_due_does_not_fire(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=9, seconds=59))

    assert await scheduler.run_due() == 0

    assert fire.fired == []
    assert (await row(engine, "contact-o1")).fired_at is None


async def test_only_the_due_deadlines_fire_in_due_order(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(
        engine, contact("late", timedelta(hours=2)), contact("second", timedelta(minutes=5)), contact("first")
    )
    clock.advance(timedelta(hours=1))

    await scheduler.run_due()

    assert [d.id for d in fire.fired] == ["second", "first"]


async def test_scheduling_the_same_deadline_again_keeps_the_first(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())

    await given(engine, contact(due_in=timedelta(days=1)))

    clock.advance(timedelta(minutes=10))
    assert await scheduler.run_due() == 1
    assert fire.fired == [contact()]


async def test_a_cancelled_deadline_never_fires(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    async with engine.begin() as conn:
        await cancel(conn, TABLE, "contact-o1", NOW + timedelta(minutes=3))

    clock.advance(timedelta(days=1))

    assert await scheduler.run_due() == 0
    assert fire.fired == []


async def test_cancelling_a_fired_deadline_changes_nothing(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=10))
    await scheduler.run_due()

    async with engine.begin() as conn:
        await cancel(conn, TABLE, "contact-o1", clock.now())

    assert (await row(engine, "contact-o1")).cancelled_at is None


async def test_a_failing_fire_is_not_marked_fired_and_is_postponed_by_retry_after(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=10))
    fire.failing = True

    assert await scheduler.run_due() == 0

    failed = await row(engine, "contact-o1")
    assert (failed.fired_at, failed.attempts) == (None, 1)
    assert failed.retry_at == clock.now() + timedelta(seconds=30)
    assert failed.due_at == contact().due_at, "the original due time is kept for the Overdue event"


async def test_a_failed_deadline_fires_once_retry_after_has_passed(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    clock.advance(timedelta(minutes=10))
    fire.failing = True
    await scheduler.run_due()
    fire.failing = False

    assert await scheduler.run_due() == 0
    clock.advance(timedelta(seconds=30))
    assert await scheduler.run_due() == 1

    assert [d.id for d in fire.fired] == ["contact-o1"]
    assert fire.fired[0].due_at == contact().due_at


async def test_one_failing_deadline_does_not_hold_back_the_others(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact("bad"), contact("good", timedelta(minutes=11)))
    clock.advance(timedelta(minutes=20))
    original = fire.__call__

    async def fail_bad(deadline: Deadline) -> None:
        if deadline.id == "bad":
            raise RuntimeError("boom")
        await original(deadline)

    scheduler.fire = fail_bad

    assert await scheduler.run_due() == 1
    assert [d.id for d in fire.fired] == ["good"]


async def test_after_a_restart_nothing_fires_twice(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder, db_url: str
) -> None:
    await given(engine, contact("a"), contact("b", timedelta(hours=3)))
    clock.advance(timedelta(hours=1))
    await scheduler.run_due()
    await engine.dispose()

    restarted_engine = make_engine(db_url)
    after_restart = Recorder()
    restarted = DeadlineScheduler(restarted_engine, lambda: TABLE, clock, after_restart)
    clock.advance(timedelta(hours=3))
    await restarted.run_due()
    await restarted_engine.dispose()

    assert ([d.id for d in fire.fired], [d.id for d in after_restart.fired]) == (["a"], ["b"])


async def test_a_batch_limits_how_many_fire_per_run(
    engine: AsyncEngine, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact("a"), contact("b"), contact("c"))
    scheduler = DeadlineScheduler(engine, lambda: TABLE, clock, fire, batch=2)
    clock.advance(timedelta(hours=1))

    assert (await scheduler.run_due(), await scheduler.run_due()) == (2, 1)


async def test_next_due_is_the_earliest_open_deadline_in_utc(
    engine: AsyncEngine, scheduler: DeadlineScheduler
) -> None:
    await given(engine, contact("a", timedelta(hours=2)), contact("b", timedelta(minutes=5)))

    assert await scheduler.next_due() == NOW + timedelta(minutes=5)
    assert (await scheduler.next_due() or NOW).tzinfo == UTC


async def test_next_due_is_none_without_open_deadlines(
    engine: AsyncEngine, scheduler: DeadlineScheduler
) -> None:
    assert await scheduler.next_due() is None


async def test_the_running_loop_fires_a_deadline_when_the_clock_passes_it(
    engine: AsyncEngine, scheduler: DeadlineScheduler, clock: FixedClock, fire: Recorder
) -> None:
    await given(engine, contact())
    fired = asyncio.Event()

    async def fire_and_signal(deadline: Deadline) -> None:
        await fire(deadline)
        fired.set()

    scheduler.fire = fire_and_signal
    await scheduler.start()
    try:
        await asyncio.sleep(0.1)
        assert fire.fired == []

        clock.advance(timedelta(minutes=10))

        await asyncio.wait_for(fired.wait(), 5)
    finally:
        await scheduler.stop()
    assert fire.fired == [contact()]
