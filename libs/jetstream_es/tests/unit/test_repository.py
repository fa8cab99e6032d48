"""The repository's bounded cache of (state, last sequence): the hot path does not re-read
history, and the cache never grows past its size (ARCHITECTURE.md "Loading an aggregate")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from jetstream_es.events import StoredEvent, derive_event_id
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.repository import Repository
from jetstream_es.store import AppendResult
from jetstream_es.testing.sample import COUNTER, CounterState
from shop_contracts.envelope import Actor, EventEnvelope

ACTOR = Actor(id="tester")


class CountingReads:
    """Delegates to the in-memory store and counts reads per aggregate."""

    def __init__(self, inner: InMemoryEventStore) -> None:
        self.inner = inner
        self.service = inner.service
        self.reads: list[str] = []

    async def append(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope], expected_last_seq: int
    ) -> AppendResult:
        return await self.inner.append(aggregate_type, aggregate_id, events, expected_last_seq)

    async def read(self, aggregate_type: str, aggregate_id: str, after_seq: int = 0) -> list[StoredEvent]:
        self.reads.append(aggregate_id)
        return await self.inner.read(aggregate_type, aggregate_id, after_seq)


def opened(aggregate_id: str) -> EventEnvelope:
    return EventEnvelope(
        event_id=derive_event_id("Counter", aggregate_id, "open", 0),
        event_type="CounterOpened",
        schema_version=1,
        aggregate_type="Counter",
        aggregate_id=aggregate_id,
        version=1,
        occurred_at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        actor=ACTOR,
        correlation_id="open",
        causation_id="open",
        data={"name": aggregate_id, "limit": 10},
    )


@pytest.fixture
def store() -> CountingReads:
    return CountingReads(InMemoryEventStore("sample"))


async def test_a_cached_aggregate_is_not_read_again(store: CountingReads) -> None:
    repo = Repository(store, COUNTER)
    await repo.load("a")

    await repo.load("a")

    assert store.reads == ["a"]


async def test_the_cache_never_holds_more_than_its_size(store: CountingReads) -> None:
    repo = Repository(store, COUNTER, cache_size=2)

    for aggregate_id in ("a", "b", "c", "d"):
        await repo.load(aggregate_id)

    assert repo.cached == 2


async def test_the_least_recently_used_aggregate_is_evicted_first(store: CountingReads) -> None:
    repo = Repository(store, COUNTER, cache_size=2)
    await repo.load("a")
    await repo.load("b")
    await repo.load("a")
    await repo.load("c")
    store.reads.clear()

    await repo.load("a")
    await repo.load("b")

    assert store.reads == ["b"]


async def test_a_cache_size_of_zero_caches_nothing(store: CountingReads) -> None:
    repo = Repository(store, COUNTER, cache_size=0)

    await repo.load("a")
    await repo.load("a")

    assert (repo.cached, store.reads) == (0, ["a", "a"])


async def test_a_cached_state_stays_stale_until_a_refresh(store: CountingReads) -> None:
    repo: Repository[CounterState] = Repository(store, COUNTER)
    await repo.load("a")
    await store.append("Counter", "a", [opened("a")], 0)

    stale = await repo.load("a")
    refreshed = await repo.load("a", refresh=True)

    assert (stale.version, refreshed.version, refreshed.state.opened) == (0, 1, True)


async def test_save_caches_the_new_state(store: CountingReads) -> None:
    repo: Repository[CounterState] = Repository(store, COUNTER)
    saved = await repo.save(await repo.load("a"), [opened("a")])
    store.reads.clear()

    loaded = await repo.load("a")

    assert loaded is saved
    assert (loaded.version, loaded.state.opened, store.reads) == (1, True, [])
