"""Injected time (ARCHITECTURE.md "Time"): a fixed clock that only moves when told, aware UTC
everywhere, and waiters that wake when the clock moves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from jetstream_es.clock import FixedClock, SystemClock

START = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))


def test_a_fixed_clock_reports_its_start_in_utc() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 16, 30, tzinfo=SHANGHAI))

    assert clock.now() == START
    assert clock.now().utcoffset() == timedelta(0)


def test_a_fixed_clock_stands_still() -> None:
    clock = FixedClock(START)

    assert clock.now() == clock.now() == START


def test_a_fixed_clock_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 3, 2, 8, 30))


def test_set_moves_the_fixed_clock_to_that_time_in_utc() -> None:
    clock = FixedClock(START)

    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))

    assert clock.now() == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert clock.now().tzinfo == UTC


def test_set_refuses_a_naive_time() -> None:
    clock = FixedClock(START)

    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 3, 3, 9, 0))
    assert clock.now() == START


def test_advance_moves_the_fixed_clock_forward_by_the_delta() -> None:
    clock = FixedClock(START)

    clock.advance(timedelta(minutes=10))

    assert clock.now() == START + timedelta(minutes=10)


async def test_sleep_until_a_time_already_passed_returns_at_once() -> None:
    clock = FixedClock(START)

    await asyncio.wait_for(clock.sleep_until(START - timedelta(hours=1), max_wait=60), 1)


async def test_sleep_until_wakes_when_the_clock_is_advanced() -> None:
    clock = FixedClock(START)
    sleeper = asyncio.create_task(clock.sleep_until(START + timedelta(hours=1), max_wait=60))
    await asyncio.sleep(0)

    clock.advance(timedelta(hours=1))

    await asyncio.wait_for(sleeper, 1)


async def test_sleep_until_returns_after_max_wait_when_the_clock_stands_still() -> None:
    clock = FixedClock(START)

    await asyncio.wait_for(clock.sleep_until(START + timedelta(hours=1), max_wait=0.05), 5)

    assert clock.now() == START


def test_the_system_clock_returns_aware_utc() -> None:
    now = SystemClock().now()

    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


async def test_the_system_clock_does_not_sleep_for_a_time_already_passed() -> None:
    clock = SystemClock()

    await asyncio.wait_for(clock.sleep_until(clock.now() - timedelta(hours=1), max_wait=60), 1)


async def test_the_system_clock_sleeps_at_most_max_wait() -> None:
    clock = SystemClock()

    await asyncio.wait_for(clock.sleep_until(clock.now() + timedelta(hours=1), max_wait=0.05), 5)
