"""The shared given/when/then helper over a service's real wiring (decision 0007), on the
sample service: commands through the runtime's own handler table, foreign events to the
reactions whose sources match, deadlines to the scheduler's firer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jetstream_es.deadlines import Deadline
from jetstream_es.errors import Conflict, RuleViolated
from jetstream_es.testing.app import TestApp, bootstrap_test_app
from jetstream_es.testing.sample import (
    COUNTER,
    OTHER_COUNTER,
    SAMPLE_COUNTER,
    CloseOnDeadline,
    CounterClosed,
    CounterIncremented,
    CounterOpened,
    Increment,
    OpenCounter,
    Shout,
    build,
)
from shop_contracts.envelope import Actor

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ME = Actor(id="tester", roles=("system",))


@pytest.fixture
def app() -> TestApp:
    return bootstrap_test_app(build, "sample", NOW)


def open_(cid: str = "c1", command_id: str = "open-1") -> OpenCounter:
    return OpenCounter(command_id=command_id, actor=ME, counter_id=cid, name="visitors")


async def test_when_routes_through_the_runtimes_handler_table_0007(app: TestApp) -> None:
    await app.given(open_())
    await app.when(Increment(command_id="inc-1", actor=ME, counter_id="c1", by=3))
    app.then(CounterIncremented(by=3))
    assert app.types("c1") == ["CounterOpened", "CounterIncremented"]
    assert (await app.state(COUNTER, "c1")).total == 3
    assert app.envelopes("c1")[0].occurred_at == NOW  # the fixed clock


async def test_a_refusal_names_its_rule_and_appends_nothing_test_2(app: TestApp) -> None:
    with pytest.raises(RuleViolated, match="not open"):
        await app.when(Increment(command_id="inc-1", actor=ME, counter_id="nope", by=1))
    assert app.then() == []


async def test_a_command_id_with_another_payload_is_a_conflict_as_over_nats_0005(app: TestApp) -> None:
    await app.given(open_())
    with pytest.raises(Conflict):
        await app.when(OpenCounter(command_id="open-1", actor=ME, counter_id="c1", name="other"))


async def test_a_command_over_two_aggregates_through_the_wiring_0007(app: TestApp) -> None:
    await app.when(Shout(command_id="s-1", actor=ME, counter_id="a", echo_id="b", name="hi"))
    app.then(CounterOpened, CounterOpened)
    assert app.events("b") == [CounterOpened(name="echo of hi", limit=1_000_000)]
    await app.when(Shout(command_id="s-1", actor=ME, counter_id="a", echo_id="b", name="hi"))
    app.then()  # a repeat appends nothing
    assert len(app.events()) == 2


async def test_react_delivers_to_the_reactions_whose_sources_match_test_4(app: TestApp) -> None:
    await app.given(open_("c1"))
    [first] = await app.react(CounterOpened(name="theirs", limit=5), aggregate_id="c1", event_id="ev-1")
    app.then(CounterIncremented(by=1))
    [again] = await app.react(CounterOpened(name="theirs", limit=5), aggregate_id="c1", event_id="ev-1")
    assert again.repeated  # a redelivery appends nothing
    assert again.event_ids == first.event_ids
    assert app.types("c1") == ["CounterOpened", "CounterIncremented"]
    with pytest.raises(LookupError, match="no reaction"):
        await app.react(CounterOpened(name="ours", limit=5), aggregate_id="c1", source=SAMPLE_COUNTER)
    assert OTHER_COUNTER in type(app.runtime.projections[1][0]).sources


async def test_fire_hands_a_deadline_to_the_schedulers_firer_test_5(app: TestApp) -> None:
    await app.given(open_("c1"))
    deadline = Deadline("close-c1", "close", "c1", NOW, {})
    [closed] = await app.fire(deadline)
    [again] = await app.fire(deadline, firer=CloseOnDeadline)  # fired twice: appends once
    assert again.repeated
    assert again.event_ids == closed.event_ids
    assert app.events("c1")[-1] == CounterClosed()
    assert app.types("c1").count("CounterClosed") == 1


async def test_an_unknown_command_is_named_with_the_known_ones(app: TestApp) -> None:
    from jetstream_es.testing.sample import sample_runtime

    bare = TestApp(
        sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:", store=app.store, totals=False)
    )
    bare.runtime.command_handlers.pop(Increment)
    with pytest.raises(LookupError, match="no handler for Increment; known: OpenCounter, Shout"):
        await bare.when(Increment(command_id="i", actor=ME, counter_id="c1", by=1))


def test_the_helper_refuses_a_runtime_without_the_in_memory_store() -> None:
    from jetstream_es.testing.sample import sample_runtime

    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:")
    with pytest.raises(RuntimeError, match="not started"):
        TestApp(runtime)
