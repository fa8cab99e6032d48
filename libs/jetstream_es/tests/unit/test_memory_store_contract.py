"""The in-memory store passes the same contract suite as the JetStream store."""

from __future__ import annotations

import pytest

from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.testing.contract import EventStoreContract


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore("sample")


@pytest.fixture
def second_store(store: InMemoryEventStore) -> InMemoryEventStore:
    return store


class TestInMemoryEventStore(EventStoreContract):
    pass
