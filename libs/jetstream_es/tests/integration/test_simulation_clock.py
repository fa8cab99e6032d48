"""The simulation clock: a driver moves time over NATS and every attached service follows, so a
shop day or a month can be played in seconds (ARCHITECTURE.md "Time")."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from nats.aio.client import Client

from jetstream_es.clock import SimulationClock, SimulationDriver
from shop_contracts.subjects import SIM_CLOCK_BUCKET

pytestmark = pytest.mark.integration
MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


async def wait_for(clock: SimulationClock, when: datetime) -> None:
    async with asyncio.timeout(5):
        while clock.now() != when:
            await clock.sleep_until(when, max_wait=0.05)


async def test_attached_clocks_follow_the_driver(nc: Client, nc2: Client) -> None:
    driver = SimulationDriver(nc, SIM_CLOCK_BUCKET)
    await driver.set(MONDAY)
    first, second = SimulationClock(), SimulationClock()
    await first.attach(nc, SIM_CLOCK_BUCKET)
    await second.attach(nc2, SIM_CLOCK_BUCKET)
    await wait_for(first, MONDAY)
    moved = await driver.advance(timedelta(hours=14))
    await wait_for(first, moved)
    await wait_for(second, moved)
    assert second.now() == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    await first.detach()
    await second.detach()


async def test_a_sleeper_wakes_when_the_driver_moves_time_past_its_deadline(nc: Client) -> None:
    driver = SimulationDriver(nc, SIM_CLOCK_BUCKET)
    await driver.set(MONDAY)
    clock = SimulationClock()
    await clock.attach(nc, SIM_CLOCK_BUCKET)
    await wait_for(clock, MONDAY)
    deadline = MONDAY + timedelta(days=30)
    sleeper = asyncio.create_task(clock.sleep_until(deadline, max_wait=60))
    await asyncio.sleep(0.05)
    assert not sleeper.done()
    await driver.advance(timedelta(days=31))
    await asyncio.wait_for(sleeper, 5)
    assert clock.now() >= deadline
    await clock.detach()


async def test_advancing_an_unset_clock_is_refused(nc: Client) -> None:
    with pytest.raises(RuntimeError, match="set it first"):
        await SimulationDriver(nc, SIM_CLOCK_BUCKET).advance(timedelta(hours=1))


async def test_a_naive_time_is_refused(nc: Client) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await SimulationDriver(nc, SIM_CLOCK_BUCKET).set(datetime(2026, 3, 2))
