"""The event registry: old schema versions are upcast step by step, and anything it cannot turn
into a known, valid event is a `CorruptEvent` (ARCHITECTURE.md "Events are never changed")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from jetstream_es.errors import CorruptEvent
from jetstream_es.events import EventRegistry, derive_event_id, parse_envelope
from jetstream_es.testing.sample import CounterIncremented, registry
from shop_contracts.envelope import Actor, EventEnvelope
from shop_contracts.messages import EventData


class ThingHappened(EventData):
    """v1 `{"old": n}`, v2 `{"v": n}`, v3 `{"value": n}`."""

    schema_version: ClassVar[int] = 3
    value: int


class OtherThingHappened(EventData):
    event_type: ClassVar[str] = "ThingHappened"


def envelope(event_type: str, schema_version: int, data: dict[str, Any]) -> EventEnvelope:
    return EventEnvelope(
        event_id="e1",
        event_type=event_type,
        schema_version=schema_version,
        aggregate_type="Counter",
        aggregate_id="c1",
        version=1,
        occurred_at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
        actor=Actor(id="tester"),
        correlation_id="c",
        causation_id="c",
        data=data,
    )


def thing_registry() -> EventRegistry:
    things = EventRegistry([ThingHappened])
    things.upcaster("ThingHappened", 1)(lambda data: {"v": data["old"]})
    things.upcaster("ThingHappened", 2)(lambda data: {"value": data["v"]})
    return things


def test_a_v1_counter_incremented_decodes_as_v2() -> None:
    data = registry.decode(envelope("CounterIncremented", 1, {"amount": 3}))

    assert data == CounterIncremented(by=3, note="")


def test_upcasting_a_v1_envelope_moves_it_to_the_current_version() -> None:
    upcast = registry.upcast(envelope("CounterIncremented", 1, {"amount": 3}))

    assert (upcast.schema_version, upcast.data) == (2, {"by": 3, "note": ""})


def test_a_current_version_envelope_is_returned_unchanged() -> None:
    current = envelope("CounterIncremented", 2, {"by": 3, "note": "x"})

    assert registry.upcast(current) is current


def test_a_chain_of_upcasters_runs_in_order() -> None:
    data = thing_registry().decode(envelope("ThingHappened", 1, {"old": 9}))

    assert data == ThingHappened(value=9)


def test_the_chain_starts_at_the_stored_version() -> None:
    data = thing_registry().decode(envelope("ThingHappened", 2, {"v": 4}))

    assert data == ThingHappened(value=4)


def test_a_missing_upcaster_is_a_corrupt_event() -> None:
    things = EventRegistry([ThingHappened])
    things.upcaster("ThingHappened", 1)(lambda data: {"v": data["old"]})

    with pytest.raises(CorruptEvent, match="no upcaster for ThingHappened v2"):
        things.decode(envelope("ThingHappened", 1, {"old": 9}))


def test_a_version_newer_than_the_code_is_a_corrupt_event() -> None:
    with pytest.raises(CorruptEvent, match="newer than this code"):
        registry.decode(envelope("CounterIncremented", 3, {"by": 1}))


def test_an_unknown_event_type_is_a_corrupt_event() -> None:
    with pytest.raises(CorruptEvent, match="unknown event type"):
        registry.decode(envelope("CounterExploded", 1, {}))


def test_data_violating_the_schema_is_a_corrupt_event() -> None:
    with pytest.raises(CorruptEvent, match="does not match its schema"):
        registry.decode(envelope("CounterIncremented", 2, {"by": 0}))


def test_upcast_data_violating_the_schema_is_a_corrupt_event() -> None:
    with pytest.raises(CorruptEvent):
        registry.decode(envelope("CounterIncremented", 1, {"amount": -1}))


def test_old_data_the_upcaster_cannot_read_is_a_corrupt_event() -> None:
    with pytest.raises(CorruptEvent):
        registry.decode(envelope("CounterIncremented", 1, {"by": 3}))


def test_registering_another_model_for_a_known_type_raises() -> None:
    things = EventRegistry([ThingHappened])

    with pytest.raises(ValueError, match="registered twice"):
        things.register(OtherThingHappened)


def test_registering_the_same_model_again_is_harmless() -> None:
    things = EventRegistry([ThingHappened])

    things.register(ThingHappened)

    assert things.event_types == frozenset({"ThingHappened"})


def test_registering_an_upcaster_twice_raises() -> None:
    things = thing_registry()

    with pytest.raises(ValueError, match="registered twice"):
        things.upcaster("ThingHappened", 1)(lambda data: data)


def test_the_registry_knows_only_registered_types() -> None:
    assert registry.knows("CounterOpened")
    assert not registry.knows("CounterExploded")


def test_an_unknown_type_has_no_model() -> None:
    with pytest.raises(CorruptEvent):
        registry.model("CounterExploded")


def test_derived_event_ids_are_deterministic_and_differ_per_index() -> None:
    first = derive_event_id("Counter", "c1", "cmd-1", 0)

    assert first == derive_event_id("Counter", "c1", "cmd-1", 0)
    assert first != derive_event_id("Counter", "c1", "cmd-1", 1)
    assert first != derive_event_id("Counter", "c2", "cmd-1", 0)


def test_a_body_that_is_not_an_envelope_is_a_corrupt_event() -> None:
    with pytest.raises(CorruptEvent, match="not an event envelope"):
        parse_envelope(b'{"event_id": "e1"')


def test_an_envelope_body_parses_back_to_the_envelope() -> None:
    original = envelope("CounterIncremented", 2, {"by": 3, "note": ""})

    assert parse_envelope(original.model_dump_json().encode()) == original
