"""Injected time (ARCHITECTURE.md "Time"): no code reads the wall clock directly.

- `SystemClock`: real time.
- `FixedClock`: set and advanced by tests.
- `SimulationClock`: a running system switched to simulated time by a setting; a driver moves it
  over NATS (a JetStream key-value entry every service watches), so a shop day or a month can be
  played in seconds. `SimulationDriver` is that driver.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog
from nats.aio.client import Client
from nats.js.errors import KeyNotFoundError

log = structlog.get_logger(__name__)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    async def sleep_until(self, when: datetime, max_wait: float) -> None:
        """Return once `when` has come, the clock was moved, or `max_wait` real seconds passed."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime, max_wait: float) -> None:
        delay = (when - self.now()).total_seconds()
        await asyncio.sleep(max(0.0, min(delay, max_wait)))


class FixedClock:
    """A clock that only moves when told to; waiters wake on every move."""

    def __init__(self, now: datetime | None = None) -> None:
        start = now or datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("clock time must be timezone-aware")
        self._now = start.astimezone(UTC)
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("clock time must be timezone-aware")
        self._now = now.astimezone(UTC)
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    async def sleep_until(self, when: datetime, max_wait: float) -> None:
        if self._now >= when:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._moved.wait(), max_wait)


class SimulationClock(FixedClock):
    """Simulated time shared by every service through a JetStream key-value entry."""

    def __init__(self, now: datetime | None = None) -> None:
        super().__init__(now)
        self._task: asyncio.Task[None] | None = None

    async def attach(self, nc: Client, bucket: str, key: str = "now") -> None:
        """Follow the entry; starts from its current value when there is one."""
        kv = await nc.jetstream().key_value(bucket)
        watcher = await kv.watch(key)

        async def follow() -> None:
            async for entry in watcher:
                if entry is None or not entry.value:
                    continue
                try:
                    moved_to = datetime.fromisoformat(entry.value.decode())
                except ValueError:
                    log.error("sim_clock_bad_value", value=entry.value[:64])
                    continue
                if moved_to.tzinfo is None:  # an ISO-8601 date-time with its UTC offset only
                    log.error("sim_clock_bad_value", value=entry.value[:64], reason="no UTC offset")
                    continue
                if moved_to != self.now():
                    self.set(moved_to)

        self._task = asyncio.create_task(follow(), name="sim-clock")

    async def detach(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class SimulationDriver:
    """Moves the simulation clock of every attached service (used by demos and acceptance runs)."""

    def __init__(self, nc: Client, bucket: str, key: str = "now") -> None:
        self._js = nc.jetstream()
        self._bucket = bucket
        self._key = key

    async def now(self) -> datetime | None:
        kv = await self._js.key_value(self._bucket)
        try:
            entry = await kv.get(self._key)
        except KeyNotFoundError:
            return None
        return datetime.fromisoformat(entry.value.decode()) if entry.value else None

    async def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("clock time must be timezone-aware")
        kv = await self._js.key_value(self._bucket)
        await kv.put(self._key, now.astimezone(UTC).isoformat().encode())

    async def advance(self, delta: timedelta) -> datetime:
        current = await self.now()
        if current is None:
            raise RuntimeError("the simulation clock has no time yet: set it first")
        moved = current + delta
        await self.set(moved)
        return moved
