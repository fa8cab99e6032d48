"""The wire contract of decision 0005 at the runtime's endpoint, on the in-memory store: a command
id is one command (a reused id with another payload is a conflict), and an aggregate whose history
this code cannot read is refused permanently (`unreadable_history`), not as `unavailable`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandHandler, CommandResult, cause_of, command_fingerprint, handling
from jetstream_es.errors import Conflict
from jetstream_es.events import derive_event_id
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.repository import Repository
from jetstream_es.service.endpoints import run_command
from jetstream_es.testing.contract import envelope
from jetstream_es.testing.sample import COUNTER, CounterState, Increment, OpenCounter, increment, open_counter
from shop_contracts.errors import ErrorCode, Reply

ACTOR = {"id": "clerk-7", "roles": ["clerk"]}


class Counters:
    """The sample counter's commands over an in-memory store, answered by the runtime's endpoint."""

    def __init__(self) -> None:
        self.store = InMemoryEventStore("sample")
        self.handler = CommandHandler(FixedClock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC)))
        self.repo: Repository[CounterState] = Repository(self.store, COUNTER)

    async def on_open(self, cmd: OpenCounter) -> CommandResult:
        return await self.handler.execute(
            self.repo, cmd.counter_id, cause_of(cmd), lambda s: open_counter(s, cmd)
        )

    async def on_increment(self, cmd: Increment) -> CommandResult:
        return await self.handler.execute(
            self.repo, cmd.counter_id, cause_of(cmd), lambda s: increment(s, cmd.by)
        )

    async def open(self, counter_id: str = "c1", command_id: str = "open-1") -> Reply:
        body = {"command_id": command_id, "actor": ACTOR, "counter_id": counter_id, "name": "n", "limit": 100}
        return await run_command(OpenCounter, self.on_open, json.dumps(body).encode())

    async def increment(self, by: int, command_id: str = "inc-1", **extra: Any) -> Reply:
        body = {"command_id": command_id, "actor": ACTOR, "counter_id": "c1", "by": by, **extra}
        return await run_command(Increment, self.on_increment, json.dumps(body).encode())


@pytest.fixture
async def counters() -> Counters:
    counters = Counters()
    assert (await counters.open()).ok
    return counters


async def test_a_command_id_reused_with_another_payload_is_a_conflict_decision_0005(
    counters: Counters,
) -> None:
    first = await counters.increment(2)

    again = await counters.increment(3)

    assert first.ok
    assert again.error is not None
    assert again.error.code == ErrorCode.CONFLICT
    assert "inc-1" in again.error.message
    assert "another command" in again.error.message
    assert len(await counters.store.read("Counter", "c1")) == 2


async def test_the_same_command_sent_again_gets_the_first_answer_decision_0005(counters: Counters) -> None:
    first = await counters.increment(2)

    again = await counters.increment(2, correlation_id="retry-of-inc-1")

    assert again.ok
    assert (again.version, again.events) == (first.version, first.events)


async def test_a_reused_command_id_is_recognised_after_a_reload_from_the_store_decision_0005(
    counters: Counters,
) -> None:
    await counters.increment(2)
    counters.repo.forget("c1")

    again = await counters.increment(5)

    assert again.error is not None
    assert again.error.code == ErrorCode.CONFLICT


async def test_every_stored_event_records_its_command_fingerprint_decision_0005(counters: Counters) -> None:
    await counters.increment(2)

    stored = (await counters.store.read("Counter", "c1"))[-1].envelope

    expected = Increment.model_validate({"command_id": "x", "actor": ACTOR, "counter_id": "c1", "by": 2})
    assert stored.command_fingerprint == command_fingerprint(expected)


async def test_an_event_stored_before_fingerprints_still_answers_a_repeat_decision_0005() -> None:
    counters = Counters()
    old = envelope("c1", 1, "open-1").model_copy(
        update={"event_type": "CounterOpened", "schema_version": 1, "data": {"name": "n", "limit": 9}}
    )
    old = old.model_copy(update={"event_id": derive_event_id("Counter", "c1", "open-1", 0)})
    await counters.store.append("Counter", "c1", [old], 0)

    again = await counters.open()

    assert again.ok
    assert again.version == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event_type": "CounterRenamed"}, "unknown event type"),
        ({"schema_version": 9}, "newer than this code"),
        ({"data": {"by": True, "note": ""}}, "does not match its schema"),
    ],
)
async def test_a_history_this_code_cannot_read_is_refused_permanently_decision_0005(
    counters: Counters, change: dict[str, Any], reason: str
) -> None:
    last = (await counters.store.read("Counter", "c1"))[-1].stream_seq
    await counters.store.append("Counter", "c1", [envelope("c1", 2, "bad").model_copy(update=change)], last)
    counters.repo.forget("c1")

    reply = await counters.increment(1)

    assert reply.error is not None
    assert reply.error.code == ErrorCode.UNREADABLE_HISTORY
    assert reason in reply.error.message
    assert "retrying will not help" in reply.error.message
    assert reply.error.details is not None
    assert {k: reply.error.details[0][k] for k in ("aggregate_type", "aggregate_id", "stream_seq")} == {
        "aggregate_type": "Counter",
        "aggregate_id": "c1",
        "stream_seq": 2,
    }


async def test_a_handler_that_looks_up_the_outcome_itself_also_refuses_a_reused_id_decision_0005(
    counters: Counters,
) -> None:
    await counters.increment(2)
    loaded = await counters.repo.load("c1")
    other = Increment.model_validate({"command_id": "inc-1", "actor": ACTOR, "counter_id": "c1", "by": 3})

    with handling(other), pytest.raises(Conflict, match="another command"):
        counters.repo.outcome(loaded, derive_event_id("Counter", "c1", "inc-1", 0))
