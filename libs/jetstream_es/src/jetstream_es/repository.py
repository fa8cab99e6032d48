"""Loads and saves one aggregate type, with a bounded cache of (state, last sequence).

The hot path does not re-read history: a cached state is used as is, and a stale one is caught
by the optimistic concurrency check on append, after which the handler refreshes it.
A history this code cannot read raises `UnreadableHistory`, answered as a permanent refusal.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Generic, TypeVar

from jetstream_es.aggregate import AggregateType, Loaded, Outcome
from jetstream_es.errors import CorruptEvent, UnreadableHistory
from jetstream_es.events import StoredEvent
from jetstream_es.fingerprint import check_repeat
from jetstream_es.store import AppendResult, EventStore
from shop_contracts.envelope import EventEnvelope

S = TypeVar("S")


class Repository(Generic[S]):
    def __init__(self, store: EventStore, aggregate: AggregateType[S], cache_size: int = 10_000) -> None:
        self.store = store
        self.aggregate = aggregate
        self._cache: OrderedDict[str, Loaded[S]] = OrderedDict()
        self._cache_size = cache_size

    @property
    def cached(self) -> int:
        return len(self._cache)

    def _remember(self, loaded: Loaded[S]) -> Loaded[S]:
        if self._cache_size > 0:
            self._cache[loaded.aggregate_id] = loaded
            self._cache.move_to_end(loaded.aggregate_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return loaded

    def forget(self, aggregate_id: str) -> None:
        self._cache.pop(aggregate_id, None)

    async def load(self, aggregate_id: str, *, refresh: bool = False) -> Loaded[S]:
        """The aggregate's state; from the cache unless `refresh`, which reads what came after it."""
        cached = self._cache.get(aggregate_id)
        if cached is not None and not refresh:
            self._cache.move_to_end(aggregate_id)
            return cached
        base = cached or Loaded(aggregate_id, self.aggregate.initial())
        try:
            events = await self.store.read(self.aggregate.name, aggregate_id, after_seq=base.last_seq)
        except UnreadableHistory:
            raise
        except CorruptEvent as exc:  # a stored body that is not an envelope at all
            raise UnreadableHistory(self.aggregate.name, aggregate_id, None, str(exc)) from exc
        return self._remember(base.evolve(self.aggregate, events))

    async def save(self, loaded: Loaded[S], envelopes: Sequence[EventEnvelope]) -> Loaded[S]:
        """Append `envelopes` after `loaded`; the new state is cached and returned."""
        result = await self.store.append(self.aggregate.name, loaded.aggregate_id, envelopes, loaded.last_seq)
        subject = f"{self.store.service}.events.{self.aggregate.name}.{loaded.aggregate_id}"
        stored = [StoredEvent(e, seq, subject) for e, seq in zip(envelopes, result.seqs, strict=True)]
        if result.duplicate:
            self.forget(loaded.aggregate_id)
            return await self.load(loaded.aggregate_id, refresh=True)
        return self._remember(loaded.evolve(self.aggregate, stored))

    def remember_saved(
        self, loaded: Loaded[S], envelopes: Sequence[EventEnvelope], result: AppendResult
    ) -> Loaded[S]:
        """Cache the state after `envelopes` were stored at `result`'s sequences (an append made
        elsewhere, e.g. one atomic append over several aggregates)."""
        subject = f"{self.store.service}.events.{self.aggregate.name}.{loaded.aggregate_id}"
        stored = [StoredEvent(e, seq, subject) for e, seq in zip(envelopes, result.seqs, strict=True)]
        return self._remember(loaded.evolve(self.aggregate, stored))

    def outcome(self, loaded: Loaded[S], first_event_id: str) -> Outcome | None:
        """What the command whose first event is `first_event_id` did, if it is stored already.

        A repeat of the command being handled with another payload raises `Conflict` (0005)."""
        done = loaded.outcomes.get(first_event_id)
        if done is not None:
            check_repeat(self.aggregate.name, loaded.aggregate_id, first_event_id, done)
        return done
