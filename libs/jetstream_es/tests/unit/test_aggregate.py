"""`Loaded.evolve`: state and position advance event by event; outcomes remember what each
command stored, so a repeated command is recognised after a reload (ARCHITECTURE.md "Idempotency")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from jetstream_es.aggregate import AggregateType, Loaded, Outcome
from jetstream_es.events import StoredEvent
from jetstream_es.testing.sample import COUNTER, CounterState, evolve, registry
from shop_contracts.envelope import Actor, EventEnvelope

SUBJECT = "sample.events.Counter.c1"


def stored(
    seq: int, version: int, event_type: str, data: dict[str, Any], cause: str, schema_version: int = 1
) -> StoredEvent:
    envelope = EventEnvelope(
        event_id=f"e{seq}",
        event_type=event_type,
        schema_version=schema_version,
        aggregate_type="Counter",
        aggregate_id="c1",
        version=version,
        occurred_at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        actor=Actor(id="tester"),
        correlation_id=cause,
        causation_id=cause,
        data=data,
    )
    return StoredEvent(envelope, seq, SUBJECT)


def opened(seq: int = 1, cause: str = "open") -> StoredEvent:
    return stored(seq, 1, "CounterOpened", {"name": "visits", "limit": 100}, cause)


def incremented(seq: int, version: int, by: int, cause: str) -> StoredEvent:
    return stored(seq, version, "CounterIncremented", {"by": by, "note": ""}, cause, schema_version=2)


def fresh() -> Loaded[CounterState]:
    return Loaded("c1", CounterState())


def test_a_fresh_aggregate_does_not_exist() -> None:
    assert not fresh().exists


def test_evolve_applies_events_in_order_and_tracks_version_and_last_seq() -> None:
    loaded = fresh().evolve(COUNTER, [opened(3), incremented(7, 2, 4, "inc-1")])

    assert (loaded.state.total, loaded.state.opened, loaded.version, loaded.last_seq) == (4, True, 2, 7)
    assert loaded.exists


def test_evolve_ignores_events_at_or_below_last_seq() -> None:
    loaded = fresh().evolve(COUNTER, [opened(1), incremented(2, 2, 4, "inc-1")])

    again = loaded.evolve(COUNTER, [incremented(1, 2, 50, "old"), incremented(2, 2, 4, "inc-1")])

    assert (again.state.total, again.version, again.last_seq) == (4, 2, 2)


def test_evolve_leaves_the_original_state_untouched() -> None:
    start = fresh()

    start.evolve(COUNTER, [opened(1)])

    assert (start.state.total, start.version, start.last_seq) == (0, 0, 0)


def test_evolve_shares_outcomes_instead_of_copying_the_history() -> None:
    """A long-lived aggregate pays for its new events only; the shared map only gains stored facts."""
    first = fresh().evolve(COUNTER, [opened(1)])

    second = first.evolve(COUNTER, [incremented(2, 2, 4, "inc-1")])

    assert second.outcomes is first.outcomes
    assert second.outcomes["e2"].version == 2


def test_evolve_upcasts_old_events() -> None:
    loaded = fresh().evolve(COUNTER, [opened(1), stored(2, 2, "CounterIncremented", {"amount": 6}, "inc-1")])

    assert loaded.state.total == 6


def test_every_event_of_one_command_maps_to_that_commands_outcome() -> None:
    loaded = fresh().evolve(
        COUNTER, [opened(1), incremented(2, 2, 1, "twice"), incremented(3, 3, 1, "twice")]
    )

    both = Outcome(version=3, event_ids=("e2", "e3"))
    assert (loaded.outcomes["e2"], loaded.outcomes["e3"]) == (both, both)


def test_each_command_has_its_own_outcome() -> None:
    loaded = fresh().evolve(
        COUNTER, [opened(1), incremented(2, 2, 1, "inc-1"), incremented(3, 3, 1, "inc-2")]
    )

    assert loaded.outcomes == {
        "e1": Outcome(1, ("e1",)),
        "e2": Outcome(2, ("e2",)),
        "e3": Outcome(3, ("e3",)),
    }


def test_outcomes_survive_an_evolve_in_several_steps() -> None:
    loaded = fresh().evolve(COUNTER, [opened(1)])

    loaded = loaded.evolve(COUNTER, [incremented(2, 2, 1, "inc-1")])

    assert loaded.outcomes == {"e1": Outcome(1, ("e1",)), "e2": Outcome(2, ("e2",))}


def test_two_commands_caused_by_one_event_keep_separate_outcomes() -> None:
    # Two reactions to the same event (Cause.of_event with different reaction names) are two
    # commands: their causation ids name the reaction and the event, each has its own outcome.
    reaction_a = stored(2, 2, "CounterIncremented", {"by": 1}, "react-a/event-x", schema_version=2)
    reaction_b = stored(3, 3, "CounterIncremented", {"by": 2}, "react-b/event-x", schema_version=2)

    loaded = fresh().evolve(COUNTER, [opened(1), reaction_a, reaction_b])

    assert loaded.outcomes["e2"] == Outcome(2, ("e2",))


def test_an_aggregate_name_must_be_one_subject_token() -> None:
    with pytest.raises(ValueError, match="one subject token"):
        AggregateType[CounterState]("Counter.Sub", registry, CounterState, evolve)
