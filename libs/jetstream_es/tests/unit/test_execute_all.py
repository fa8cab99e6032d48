"""One primitive for a command recording events on several aggregates (decision 0007):
decisions first, one atomic append where the store allows, idempotent repeats that complete
what a crash left out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, first_event_id, step
from jetstream_es.errors import Conflict, NotFound, RuleViolated
from jetstream_es.events import StoredEvent
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.repository import Repository
from jetstream_es.store import AppendResult
from jetstream_es.testing.sample import COUNTER, CounterState, increment, open_as
from shop_contracts.envelope import Actor, EventEnvelope

ACTOR = Actor(id="tester", roles=("system",))
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def cause(key: str = "cmd-1") -> Cause:
    return Cause.of_command(key, ACTOR)


class OneByOneStore:
    """A store without `append_all` (appends aggregate by aggregate) that can crash once after
    its first append of a command: what a process dying between two appends leaves."""

    def __init__(self, service: str = "sample") -> None:
        self.inner = InMemoryEventStore(service)
        self.service = service
        self.crash_after: int | None = None
        self.appends = 0

    async def append(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope], expected_last_seq: int
    ) -> AppendResult:
        result = await self.inner.append(aggregate_type, aggregate_id, events, expected_last_seq)
        self.appends += 1
        if self.crash_after is not None and self.appends == self.crash_after:
            self.crash_after = None
            raise ConnectionError("process died after the first append")
        return result

    async def read(self, aggregate_type: str, aggregate_id: str, after_seq: int = 0) -> list[StoredEvent]:
        return await self.inner.read(aggregate_type, aggregate_id, after_seq)


async def test_both_aggregates_get_their_events_in_one_append_0007() -> None:
    store = InMemoryEventStore("sample")
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(store, COUNTER)
    a, b = await handler.execute_all(
        cause(),
        [step(repo, "a", lambda s: open_as(s, "a", "A")), step(repo, "b", lambda s: open_as(s, "b", "B"))],
    )
    assert (a.aggregate_id, a.version, b.aggregate_id, b.version) == ("a", 1, "b", 1)
    assert a.event_ids == (first_event_id("Counter", "a", cause()),)
    assert [e.envelope.aggregate_id for e in store.all_events] == ["a", "b"]
    assert {e.envelope.causation_id for e in store.all_events} == {"cmd-1"}


async def test_a_refusal_of_either_step_appends_nothing_0007() -> None:
    store = InMemoryEventStore("sample")
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(store, COUNTER)
    await handler.execute(repo, "b", cause("open-b"), lambda s: open_as(s, "b", "B"))
    with pytest.raises(RuleViolated, match="open already"):  # TEST-1 on the second step
        await handler.execute_all(
            cause(),
            [
                step(repo, "a", lambda s: open_as(s, "a", "A")),
                step(repo, "b", lambda s: open_as(s, "b", "B")),
            ],
        )
    assert [e.envelope.aggregate_id for e in store.all_events] == ["b"]
    with pytest.raises(NotFound, match="Counter c does not exist"):
        await handler.execute_all(
            cause("x"),
            [
                step(repo, "a", lambda s: open_as(s, "a", "A")),
                step(repo, "c", lambda s: increment(s, 1), must_exist=True),
            ],
        )
    assert len(store.all_events) == 1


async def test_a_repeat_answers_the_earlier_outcome_and_appends_nothing_0007() -> None:
    store = InMemoryEventStore("sample")
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(store, COUNTER)
    steps = [step(repo, "a", lambda s: open_as(s, "a", "A")), step(repo, "b", lambda s: open_as(s, "b", "B"))]
    first = await handler.execute_all(cause(), steps)
    again = await handler.execute_all(cause(), steps)
    assert [r.repeated for r in again] == [True, True]
    assert [r.event_ids for r in again] == [r.event_ids for r in first]
    assert len(store.all_events) == 2


async def test_a_repeat_after_a_crash_between_appends_completes_the_rest_0007() -> None:
    store = OneByOneStore()
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(store, COUNTER)
    steps = [step(repo, "a", lambda s: open_as(s, "a", "A")), step(repo, "b", lambda s: open_as(s, "b", "B"))]
    store.crash_after = 1
    with pytest.raises(ConnectionError):
        await handler.execute_all(cause(), steps)
    assert [e.envelope.aggregate_id for e in store.inner.all_events] == ["a"]
    fresh = Repository(store, COUNTER)  # a restarted process: nothing cached
    a, b = await handler.execute_all(
        cause(),
        [step(fresh, "a", lambda s: open_as(s, "a", "A")), step(fresh, "b", lambda s: open_as(s, "b", "B"))],
    )
    assert (a.repeated, b.repeated) == (True, False)
    assert [e.envelope.aggregate_id for e in store.inner.all_events] == ["a", "b"]
    assert b.event_ids == (first_event_id("Counter", "b", cause()),)


async def test_a_concurrent_change_is_decided_again_on_the_new_state_0007() -> None:
    store = InMemoryEventStore("sample")
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(store, COUNTER)
    for cid in ("a", "b"):
        await handler.execute(repo, cid, cause(f"open-{cid}"), lambda s, cid=cid: open_as(s, cid, cid))
    other = Repository(store, COUNTER)  # another process moves "b" on: our cache is stale
    await CommandHandler(FixedClock(NOW)).execute(other, "b", cause("inc-b"), lambda s: increment(s, 5))
    seen: list[int] = []

    def add_to_b(state: CounterState) -> list[object]:
        seen.append(state.total)
        return list(increment(state, 1))

    await handler.execute_all(
        cause(), [step(repo, "a", lambda s: increment(s, 1)), step(repo, "b", add_to_b)]
    )
    assert seen == [0, 5]  # the stale decision was not appended; the second saw the new total
    assert (await repo.load("b", refresh=True)).state.total == 6
    assert (await repo.load("a", refresh=True)).state.total == 1


async def test_one_step_per_aggregate_0007() -> None:
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(InMemoryEventStore("sample"), COUNTER)
    with pytest.raises(ValueError, match="one step per aggregate"):
        await handler.execute_all(cause(), [step(repo, "a", lambda s: []), step(repo, "a", lambda s: [])])


async def test_a_command_id_repeated_with_another_payload_is_refused_0005() -> None:
    from jetstream_es.fingerprint import handling
    from jetstream_es.testing.sample import Shout

    store = InMemoryEventStore("sample")
    handler = CommandHandler(FixedClock(NOW))
    repo = Repository(store, COUNTER)
    first = Shout(command_id="s-1", actor=ACTOR, counter_id="a", echo_id="b", name="x")
    other = Shout(command_id="s-1", actor=ACTOR, counter_id="a", echo_id="b", name="y")
    steps = [step(repo, "a", lambda s: open_as(s, "a", "A")), step(repo, "b", lambda s: open_as(s, "b", "B"))]
    with handling(first):
        await handler.execute_all(cause("s-1"), steps)
    with handling(other), pytest.raises(Conflict):
        await handler.execute_all(cause("s-1"), steps)
