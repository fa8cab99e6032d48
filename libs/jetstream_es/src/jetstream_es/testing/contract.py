"""The event-store contract: every store (JetStream, in-memory) must pass these same tests.

Subclass `EventStoreContract` in a test module and provide an async `store` fixture (and
`second_store`, a store over a separate connection to the same stream).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, step
from jetstream_es.errors import ConcurrencyConflict, DuplicateAppend, InvalidAggregateId, RuleViolated
from jetstream_es.events import derive_event_id
from jetstream_es.repository import Repository
from jetstream_es.store import AggregateAppend, AtomicEventStore, EventStore
from jetstream_es.testing.sample import COUNTER, open_as
from shop_contracts.envelope import Actor, EventEnvelope

ACTOR = Actor(id="tester", roles=("system",))


def envelope(aggregate_id: str, version: int, cause: str = "c", index: int = 0, by: int = 1) -> EventEnvelope:
    return EventEnvelope(
        event_id=derive_event_id("Counter", aggregate_id, cause, index),
        event_type="CounterIncremented",
        schema_version=2,
        aggregate_type="Counter",
        aggregate_id=aggregate_id,
        version=version,
        occurred_at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        actor=ACTOR,
        correlation_id=cause,
        causation_id=cause,
        data={"by": by, "note": ""},
    )


class EventStoreContract:
    async def test_first_append_expects_zero_and_read_returns_it(self, store: EventStore) -> None:
        result = await store.append("Counter", "a1", [envelope("a1", 1, "c1")], expected_last_seq=0)
        events = await store.read("Counter", "a1")
        assert [e.stream_seq for e in events] == list(result.seqs)
        assert events[0].envelope == envelope("a1", 1, "c1")
        assert events[0].subject == f"{store.service}.events.Counter.a1"

    async def test_a_stored_event_keeps_the_fingerprint_of_its_command(self, store: EventStore) -> None:
        """What a repeated command id is compared with (decision 0005): it must survive the store."""
        marked = envelope("fp1", 1, "c1").model_copy(update={"command_fingerprint": "0123456789abcdef" * 2})
        await store.append("Counter", "fp1", [marked], 0)
        events = await store.read("Counter", "fp1")
        assert events[0].envelope.command_fingerprint == "0123456789abcdef" * 2
        assert events[0].envelope == marked

    async def test_read_of_unknown_aggregate_is_empty(self, store: EventStore) -> None:
        assert await store.read("Counter", "nobody") == []

    async def test_append_with_stale_expected_sequence_is_a_conflict(self, store: EventStore) -> None:
        first = await store.append("Counter", "a2", [envelope("a2", 1, "c1")], 0)
        await store.append("Counter", "a2", [envelope("a2", 2, "c2")], first.last_seq)
        with pytest.raises(ConcurrencyConflict):
            await store.append("Counter", "a2", [envelope("a2", 3, "c3")], first.last_seq)
        assert len(await store.read("Counter", "a2")) == 2

    async def test_new_aggregate_expected_zero_fails_when_it_exists(self, store: EventStore) -> None:
        await store.append("Counter", "a3", [envelope("a3", 1, "c1")], 0)
        with pytest.raises(ConcurrencyConflict):
            await store.append("Counter", "a3", [envelope("a3", 1, "c2")], 0)

    async def test_other_aggregates_do_not_conflict(self, store: EventStore) -> None:
        await store.append("Counter", "b1", [envelope("b1", 1, "c1")], 0)
        await store.append("Counter", "b2", [envelope("b2", 1, "c1")], 0)
        assert len(await store.read("Counter", "b1")) == 1

    async def test_two_concurrent_appends_exactly_one_wins(
        self, store: EventStore, second_store: EventStore
    ) -> None:
        base = await store.append("Counter", "race", [envelope("race", 1, "c0")], 0)
        outcomes = await asyncio.gather(
            store.append("Counter", "race", [envelope("race", 2, "w1")], base.last_seq),
            second_store.append("Counter", "race", [envelope("race", 2, "w2")], base.last_seq),
            return_exceptions=True,
        )
        assert sum(isinstance(o, ConcurrencyConflict) for o in outcomes) == 1
        assert len(await store.read("Counter", "race")) == 2

    async def test_same_event_appended_twice_is_stored_once(self, store: EventStore) -> None:
        """The optimistic check runs before dedup (as in JetStream): a repeat is a conflict or a duplicate."""
        first = await store.append("Counter", "dup", [envelope("dup", 1, "same")], 0)
        try:
            again = await store.append("Counter", "dup", [envelope("dup", 1, "same")], 0)
        except ConcurrencyConflict:
            pass
        else:
            assert again.duplicate is True
            assert again.seqs == first.seqs
        assert len(await store.read("Counter", "dup")) == 1

    async def test_several_events_append_atomically(self, store: EventStore) -> None:
        result = await store.append(
            "Counter", "multi", [envelope("multi", 1, "m", 0), envelope("multi", 2, "m", 1)], 0
        )
        events = await store.read("Counter", "multi")
        assert [e.stream_seq for e in events] == list(result.seqs)
        assert [e.envelope.version for e in events] == [1, 2]

    async def test_stale_multi_event_append_stores_nothing(self, store: EventStore) -> None:
        await store.append("Counter", "multi2", [envelope("multi2", 1, "a")], 0)
        with pytest.raises(ConcurrencyConflict):
            await store.append(
                "Counter", "multi2", [envelope("multi2", 2, "b", 0), envelope("multi2", 3, "b", 1)], 0
            )
        assert len(await store.read("Counter", "multi2")) == 1

    async def test_repeated_multi_event_append_is_refused_as_duplicate(self, store: EventStore) -> None:
        batch = [envelope("multi3", 1, "m", 0), envelope("multi3", 2, "m", 1)]
        first = await store.append("Counter", "multi3", batch, 0)
        with pytest.raises((DuplicateAppend, ConcurrencyConflict)):
            await store.append("Counter", "multi3", batch, first.last_seq)
        assert len(await store.read("Counter", "multi3")) == 2

    async def test_read_after_a_sequence_returns_only_newer_events(self, store: EventStore) -> None:
        first = await store.append("Counter", "inc", [envelope("inc", 1, "c1")], 0)
        second = await store.append("Counter", "inc", [envelope("inc", 2, "c2")], first.last_seq)
        newer = await store.read("Counter", "inc", after_seq=first.last_seq)
        assert [e.stream_seq for e in newer] == list(second.seqs)

    async def test_long_history_reads_completely_and_in_order(self, store: EventStore) -> None:
        last = 0
        for version in range(1, 1206):
            last = (
                await store.append("Counter", "long", [envelope("long", version, f"c{version}")], last)
            ).last_seq
        events = await store.read("Counter", "long")
        assert [e.envelope.version for e in events] == list(range(1, 1206))

    @pytest.mark.parametrize("bad_id", ["a.b", "a b", "*", ">", "", "x" * 200])
    async def test_an_id_that_is_not_one_subject_token_is_refused(
        self, store: EventStore, bad_id: str
    ) -> None:
        with pytest.raises(InvalidAggregateId):
            await store.append("Counter", bad_id, [envelope("ok", 1)], 0)
        with pytest.raises(InvalidAggregateId):
            await store.read("Counter", bad_id)

    # -- several aggregates at once (decision 0007) ----------------------------------------

    async def test_append_all_stores_every_part_in_order(self, store: EventStore) -> None:
        assert isinstance(store, AtomicEventStore)
        await store.append("Counter", "all-b", [envelope("all-b", 1, "before")], 0)
        b_last = (await store.read("Counter", "all-b"))[-1].stream_seq
        first, second = await store.append_all(
            [
                AggregateAppend(
                    "Counter", "all-a", [envelope("all-a", 1, "x", 0), envelope("all-a", 2, "x", 1)], 0
                ),
                AggregateAppend("Counter", "all-b", [envelope("all-b", 2, "x", 0)], b_last),
            ]
        )
        a_events = await store.read("Counter", "all-a")
        b_events = await store.read("Counter", "all-b")
        assert [e.stream_seq for e in a_events] == list(first.seqs)
        assert [e.stream_seq for e in b_events][-1:] == list(second.seqs)
        assert first.seqs[-1] < second.seqs[0]

    async def test_append_all_with_one_stale_part_stores_nothing(self, store: EventStore) -> None:
        assert isinstance(store, AtomicEventStore)
        await store.append("Counter", "stale-b", [envelope("stale-b", 1, "before")], 0)
        with pytest.raises(ConcurrencyConflict):
            await store.append_all(
                [
                    AggregateAppend("Counter", "stale-a", [envelope("stale-a", 1, "y")], 0),
                    AggregateAppend("Counter", "stale-b", [envelope("stale-b", 2, "y")], 0),
                ]
            )
        assert await store.read("Counter", "stale-a") == []
        assert len(await store.read("Counter", "stale-b")) == 1

    async def test_a_command_over_two_aggregates_is_atomic_and_idempotent(self, store: EventStore) -> None:
        handler = CommandHandler(FixedClock(datetime(2026, 3, 1, 6, 0, tzinfo=UTC)))
        repo = Repository(store, COUNTER)
        cause = Cause.of_command("two-1", ACTOR)
        steps = [
            step(repo, "two-a", lambda s: open_as(s, "two-a", "A")),
            step(repo, "two-b", lambda s: open_as(s, "two-b", "B")),
        ]
        first = await handler.execute_all(cause, steps)
        again = await handler.execute_all(cause, steps)
        assert [r.repeated for r in again] == [True, True]
        assert [r.event_ids for r in again] == [r.event_ids for r in first]
        assert len(await store.read("Counter", "two-a")) == 1
        assert len(await store.read("Counter", "two-b")) == 1
        with pytest.raises(RuleViolated):  # TEST-1: the second step refuses, the first appends nothing
            await handler.execute_all(
                Cause.of_command("two-2", ACTOR),
                [
                    step(repo, "two-c", lambda s: open_as(s, "two-c", "C")),
                    step(repo, "two-b", lambda s: open_as(s, "two-b", "B")),
                ],
            )
        assert await store.read("Counter", "two-c") == []
