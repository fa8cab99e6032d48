"""The command handler: load, decide, append; idempotent commands and bounded retries on
conflicts (ARCHITECTURE.md "Optimistic concurrency", "Idempotency")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.errors import ConcurrencyConflict, Conflict, NotFound, RuleViolated
from jetstream_es.events import StoredEvent, derive_event_id
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.repository import Repository
from jetstream_es.store import AppendResult
from jetstream_es.testing.sample import (
    COUNTER,
    CounterState,
    OpenCounter,
    increment,
    increment_twice,
    open_counter,
)
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
from shop_contracts.errors import ErrorCode
from shop_contracts.messages import EventData

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
CLERK = Actor(id="clerk-7", roles=("clerk",))


class AlwaysConflicting:
    """A store whose every append loses the race."""

    def __init__(self, inner: InMemoryEventStore) -> None:
        self.inner = inner
        self.service = inner.service
        self.appends = 0

    async def append(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope], expected_last_seq: int
    ) -> AppendResult:
        self.appends += 1
        raise ConcurrencyConflict(f"sample.events.{aggregate_type}.{aggregate_id}", expected_last_seq)

    async def read(self, aggregate_type: str, aggregate_id: str, after_seq: int = 0) -> list[StoredEvent]:
        return await self.inner.read(aggregate_type, aggregate_id, after_seq)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore("sample")


@pytest.fixture
def repo(store: InMemoryEventStore) -> Repository[CounterState]:
    return Repository(store, COUNTER)


@pytest.fixture
def handler(clock: FixedClock) -> CommandHandler:
    return CommandHandler(clock)


async def open_it(
    handler: CommandHandler, repo: Repository[CounterState], counter_id: str = "c1", limit: int = 100
) -> CommandResult:
    cmd = OpenCounter(
        command_id=f"open-{counter_id}", actor=CLERK, counter_id=counter_id, name="visits", limit=limit
    )
    return await handler.execute(
        repo, counter_id, Cause.of_command(cmd.command_id, CLERK), lambda s: open_counter(s, cmd)
    )


async def add(
    handler: CommandHandler, repo: Repository[CounterState], by: int, command_id: str, counter_id: str = "c1"
) -> CommandResult:
    return await handler.execute(
        repo, counter_id, Cause.of_command(command_id, CLERK), lambda s: increment(s, by)
    )


async def test_a_command_appends_its_event_with_an_id_derived_from_the_command_id(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)

    [stored] = await store.read("Counter", "c1")
    assert stored.event_id == derive_event_id("Counter", "c1", "open-c1", 0)
    assert stored.event_type == "CounterOpened"
    assert stored.envelope.data == {"name": "visits", "limit": 100}


async def test_the_envelope_carries_actor_causal_links_and_the_clock_time(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)

    envelope = (await store.read("Counter", "c1"))[0].envelope
    assert envelope.actor == CLERK
    assert (envelope.correlation_id, envelope.causation_id) == ("open-c1", "open-c1")
    assert envelope.occurred_at == NOW
    assert (envelope.aggregate_type, envelope.aggregate_id, envelope.version) == ("Counter", "c1", 1)
    assert envelope.schema_version == 1


async def test_an_explicit_correlation_id_is_kept_while_causation_is_the_command(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)
    cause = Cause.of_command("inc-1", CLERK, correlation_id="checkout-42")

    await handler.execute(repo, "c1", cause, lambda s: increment(s, 2))

    envelope = (await store.read("Counter", "c1"))[-1].envelope
    assert (envelope.correlation_id, envelope.causation_id) == ("checkout-42", "inc-1")


async def test_consecutive_commands_get_consecutive_versions(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore, clock: FixedClock
) -> None:
    await open_it(handler, repo)
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    result = await add(handler, repo, 3, "inc-1")

    assert result == CommandResult("c1", 2, (derive_event_id("Counter", "c1", "inc-1", 0),))
    last = (await store.read("Counter", "c1"))[-1].envelope
    assert (last.version, last.occurred_at, last.schema_version) == (2, clock.now(), 2)


async def test_the_same_command_sent_twice_appends_its_events_once(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)

    await add(handler, repo, 3, "inc-1")
    await add(handler, repo, 3, "inc-1")

    assert [e.event_type for e in await store.read("Counter", "c1")] == [
        "CounterOpened",
        "CounterIncremented",
    ]


async def test_a_repeated_command_answers_with_the_first_outcome(
    handler: CommandHandler, repo: Repository[CounterState]
) -> None:
    await open_it(handler, repo)
    first = await add(handler, repo, 3, "inc-1")
    await add(handler, repo, 4, "inc-2")

    again = await add(handler, repo, 3, "inc-1")

    assert again.repeated
    assert (again.version, again.event_ids) == (first.version, first.event_ids)


async def test_a_repeated_command_is_recognised_after_a_reload_from_the_store(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)
    first = await add(handler, repo, 3, "inc-1")

    again = await add(handler, Repository(store, COUNTER), 3, "inc-1")

    assert again == CommandResult("c1", first.version, first.event_ids, repeated=True)
    assert len(await store.read("Counter", "c1")) == 2


async def test_a_stale_cached_state_is_refreshed_after_a_conflict_and_the_command_succeeds(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)
    await add(handler, Repository(store, COUNTER), 5, "elsewhere")

    result = await add(handler, repo, 3, "here")

    assert (result.version, result.repeated) == (3, False)
    assert (await Repository(store, COUNTER).load("c1")).state.total == 8


async def test_after_a_conflict_the_decision_is_retaken_on_the_refreshed_state(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo, limit=10)
    await add(handler, Repository(store, COUNTER), 8, "elsewhere")

    with pytest.raises(RuleViolated) as refused:
        await add(handler, repo, 5, "here")

    assert refused.value.rule == "TEST-3"
    assert len(await store.read("Counter", "c1")) == 2


async def test_a_repeated_command_on_a_stale_cache_is_recognised_after_the_conflict(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)
    first = await add(handler, Repository(store, COUNTER), 5, "inc-1")

    again = await add(handler, repo, 5, "inc-1")

    assert again == CommandResult("c1", first.version, first.event_ids, repeated=True)
    assert len(await store.read("Counter", "c1")) == 2


async def test_the_handler_gives_up_with_conflict_after_max_attempts(
    clock: FixedClock, store: InMemoryEventStore
) -> None:
    racing = AlwaysConflicting(store)
    handler = CommandHandler(clock, max_attempts=3)

    with pytest.raises(Conflict) as gave_up:
        await open_it(handler, Repository(racing, COUNTER))

    assert racing.appends == 3
    assert gave_up.value.code == ErrorCode.CONFLICT


async def test_a_command_refused_by_the_domain_appends_nothing(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    with pytest.raises(RuleViolated) as refused:
        await add(handler, repo, 3, "inc-1")

    assert refused.value.rule == "TEST-2"
    assert store.all_events == []


async def test_must_exist_on_a_missing_aggregate_raises_not_found(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    cause = Cause.of_command("inc-1", CLERK)

    with pytest.raises(NotFound):
        await handler.execute(repo, "ghost", cause, lambda s: increment(s, 1), must_exist=True)

    assert store.all_events == []


async def test_a_decision_without_events_appends_nothing(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)

    def nothing_to_do(state: CounterState) -> Sequence[EventData]:
        return []

    result = await handler.execute(repo, "c1", Cause.of_command("noop", CLERK), nothing_to_do)

    assert result == CommandResult("c1", 1, ())
    assert len(store.all_events) == 1


async def test_a_multi_event_command_stores_both_events_in_order(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)

    result = await handler.execute(
        repo, "c1", Cause.of_command("twice", CLERK), lambda s: increment_twice(s, 2)
    )

    stored = (await store.read("Counter", "c1"))[1:]
    assert [e.event_id for e in stored] == [derive_event_id("Counter", "c1", "twice", i) for i in (0, 1)]
    assert [e.envelope.version for e in stored] == [2, 3]
    assert (result.version, result.event_ids) == (3, tuple(e.event_id for e in stored))


async def test_a_repeated_multi_event_command_answers_with_both_events_after_a_reload(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo)
    cause = Cause.of_command("twice", CLERK)
    first = await handler.execute(repo, "c1", cause, lambda s: increment_twice(s, 2))

    again = await handler.execute(Repository(store, COUNTER), "c1", cause, lambda s: increment_twice(s, 2))

    assert again == CommandResult("c1", 3, first.event_ids, repeated=True)
    assert len(store.all_events) == 3


async def test_a_reaction_takes_correlation_and_causation_from_its_event(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo, "source")
    await open_it(handler, repo, "c1")
    opened = (await store.read("Counter", "source"))[0].envelope

    cause = Cause.of_event("count-openings", opened, SYSTEM_ACTOR)
    await handler.execute(repo, "c1", cause, lambda s: increment(s, 1))

    reacted = (await store.read("Counter", "c1"))[-1].envelope
    assert reacted.event_id == derive_event_id("Counter", "c1", f"count-openings/{opened.event_id}", 0)
    assert reacted.correlation_id == opened.correlation_id
    assert reacted.causation_id == f"count-openings/{opened.event_id}"
    assert reacted.actor == SYSTEM_ACTOR


async def test_a_redelivered_event_makes_its_reaction_a_no_op(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo, "source")
    await open_it(handler, repo, "c1")
    opened = (await store.read("Counter", "source"))[0].envelope
    cause = Cause.of_event("count-openings", opened, SYSTEM_ACTOR)
    first = await handler.execute(repo, "c1", cause, lambda s: increment(s, 1))

    again = await handler.execute(Repository(store, COUNTER), "c1", cause, lambda s: increment(s, 1))

    assert again == CommandResult("c1", first.version, first.event_ids, repeated=True)
    assert len(await store.read("Counter", "c1")) == 2


async def test_two_reactions_to_one_event_each_keep_their_own_outcome_after_a_reload(
    handler: CommandHandler, repo: Repository[CounterState], store: InMemoryEventStore
) -> None:
    await open_it(handler, repo, "source")
    await open_it(handler, repo, "c1")
    opened = (await store.read("Counter", "source"))[0].envelope
    first = await handler.execute(
        repo, "c1", Cause.of_event("reaction-a", opened, SYSTEM_ACTOR), lambda s: increment(s, 1)
    )
    await handler.execute(
        repo, "c1", Cause.of_event("reaction-b", opened, SYSTEM_ACTOR), lambda s: increment(s, 2)
    )

    again = await handler.execute(
        Repository(store, COUNTER),
        "c1",
        Cause.of_event("reaction-a", opened, SYSTEM_ACTOR),
        lambda s: increment(s, 1),
    )

    assert again == CommandResult("c1", first.version, first.event_ids, repeated=True)
