"""Live updates (issue 18): the services' events, as they are published on `<service>.events.>`
(core NATS is enough: a missed one only delays a refresh), fanned out to the open pages by
server-sent events. A page names what it watches (`service.Aggregate.id`, `*` for any id); each
matching event is sent as two SSE events, named after its aggregate type and its event type, which
htmx's `sse` extension turns into `hx-trigger="sse:ClockedIn"` refreshes of a fragment.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from dataclasses import dataclass

HEARTBEAT_S = 15.0


@dataclass(frozen=True)
class Change:
    service: str
    aggregate_type: str
    aggregate_id: str
    event_type: str

    @classmethod
    def of(cls, subject: str, event_type: str | None) -> Change | None:
        parts = subject.split(".", 3)
        if len(parts) != 4 or parts[1] != "events":
            return None
        return cls(parts[0], parts[2], parts[3], event_type or "")


@dataclass(frozen=True)
class Watch:
    """`service.Aggregate.id`, `service.Aggregate.*` (any id) or `service.Aggregate.<prefix>*`."""

    service: str
    aggregate_type: str
    aggregate_id: str

    @classmethod
    def parse(cls, text: str) -> Watch:
        parts = text.split(".", 2)
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"watch {text!r}: expected service.Aggregate.id (id may be *)")
        return cls(*parts)

    def matches(self, change: Change) -> bool:
        return (
            self.service == change.service
            and self.aggregate_type == change.aggregate_type
            and (
                self.aggregate_id == change.aggregate_id
                or (
                    self.aggregate_id.endswith("*") and change.aggregate_id.startswith(self.aggregate_id[:-1])
                )
            )
        )


class Live:
    def __init__(self, queue_size: int = 100) -> None:
        self._queues: set[asyncio.Queue[Change]] = set()
        self._size = queue_size

    @property
    def listeners(self) -> int:
        return len(self._queues)

    def publish(self, change: Change) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):  # a slow page misses a refresh, nobody waits
                queue.put_nowait(change)

    async def stream(
        self, watches: list[Watch], heartbeat_s: float = HEARTBEAT_S
    ) -> AsyncGenerator[str, None]:
        queue: asyncio.Queue[Change] = asyncio.Queue(self._size)
        self._queues.add(queue)
        try:
            yield ": connected\n\n"
            while True:
                try:
                    change = await asyncio.wait_for(queue.get(), heartbeat_s)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if any(w.matches(change) for w in watches):
                    data = f"{change.service}.{change.aggregate_type}.{change.aggregate_id}"
                    yield f"event: {change.aggregate_type}\ndata: {data}\n\n"
                    if change.event_type:
                        yield f"event: {change.event_type}\ndata: {data}\n\n"
        finally:
            self._queues.discard(queue)
