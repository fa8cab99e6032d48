"""An in-memory event store for fast unit tests; it passes the same contract suite as JetStream."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from jetstream_es.errors import ConcurrencyConflict, DuplicateAppend
from jetstream_es.events import StoredEvent
from jetstream_es.store import AggregateAppend, AggregateSubjects, AppendResult
from shop_contracts.envelope import EventEnvelope


class InMemoryEventStore(AggregateSubjects):
    def __init__(self, service: str) -> None:
        self.service = service
        self._log: list[StoredEvent] = []
        self._by_subject: dict[str, list[StoredEvent]] = defaultdict(list)
        self._ids: dict[str, int] = {}
        self._lock = asyncio.Lock()

    @property
    def all_events(self) -> list[StoredEvent]:
        return list(self._log)

    async def append(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope], expected_last_seq: int
    ) -> AppendResult:
        subject = self._subject(aggregate_type, aggregate_id, events)
        async with self._lock:
            stored = self._by_subject[subject]
            last = stored[-1].stream_seq if stored else 0
            if last != expected_last_seq:
                raise ConcurrencyConflict(subject, expected_last_seq, f"(last is {last})")
            known = [self._ids[e.event_id] for e in events if e.event_id in self._ids]
            if known:
                if len(events) == 1:
                    return AppendResult(seqs=(known[0],), duplicate=True)
                raise DuplicateAppend(f"events of this command were stored already on {subject}")
            seqs = []
            for envelope in events:
                seq = len(self._log) + 1
                event = StoredEvent(envelope=envelope, stream_seq=seq, subject=subject)
                self._log.append(event)
                stored.append(event)
                self._ids[envelope.event_id] = seq
                seqs.append(seq)
            return AppendResult(seqs=tuple(seqs))

    async def append_all(self, parts: Sequence[AggregateAppend]) -> tuple[AppendResult, ...]:
        """Append to several aggregates at once: all parts are checked before any is stored."""
        subjects = [self._subject(p.aggregate_type, p.aggregate_id, p.events) for p in parts]
        if len(set(subjects)) != len(subjects):
            raise ValueError(f"one part per aggregate: {subjects}")
        async with self._lock:
            for subject, part in zip(subjects, parts, strict=True):
                stored = self._by_subject[subject]
                last = stored[-1].stream_seq if stored else 0
                if last != part.expected_last_seq:
                    raise ConcurrencyConflict(subject, part.expected_last_seq, f"(last is {last})")
                if any(e.event_id in self._ids for e in part.events):
                    raise DuplicateAppend(f"events of this command were stored already on {subject}")
            results = []
            for subject, part in zip(subjects, parts, strict=True):
                seqs = []
                for envelope in part.events:
                    seq = len(self._log) + 1
                    event = StoredEvent(envelope=envelope, stream_seq=seq, subject=subject)
                    self._log.append(event)
                    self._by_subject[subject].append(event)
                    self._ids[envelope.event_id] = seq
                    seqs.append(seq)
                results.append(AppendResult(seqs=tuple(seqs)))
            return tuple(results)

    async def read(self, aggregate_type: str, aggregate_id: str, after_seq: int = 0) -> list[StoredEvent]:
        subject = self._subject(aggregate_type, aggregate_id)
        return [e for e in self._by_subject.get(subject, ()) if e.stream_seq > after_seq]
