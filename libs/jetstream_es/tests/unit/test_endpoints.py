"""Request/reply plumbing: every request gets a reply, with the error codes of ARCHITECTURE.md
"Commands and queries" (`invalid`, `rule_violated`, `forbidden`, `unavailable`, ...)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import structlog.testing
from pydantic import AwareDatetime, ValidationError, model_validator

from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidAggregateId,
    InvalidCommand,
    NotFound,
    RuleViolated,
    StreamUnavailable,
)
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.repository import Repository
from jetstream_es.service.endpoints import run_command, run_query, validation_reply
from jetstream_es.testing.sample import COUNTER, Increment, increment
from shop_contracts.commands.orders import OrderChanges
from shop_contracts.errors import ErrorBody, ErrorCode, Reply
from shop_contracts.messages import FieldError, Query, validate_wire

ACTOR = {"id": "clerk-7", "roles": ["clerk"]}


class CounterTotal(Query):
    counter_id: str


def error_of(reply: Reply) -> ErrorBody:
    assert not reply.ok
    assert reply.error is not None
    return reply.error


def fields_named(reply: Reply) -> list[str]:
    return [d["field"] for d in error_of(reply).details or []]


def body(**fields: Any) -> bytes:
    return json.dumps({"command_id": "cmd-1", "actor": ACTOR, "counter_id": "c1", "by": 2, **fields}).encode()


def failing_with(exc: Exception) -> Any:
    async def handle(cmd: Increment) -> CommandResult:
        raise exc

    return handle


async def succeed(cmd: Increment) -> CommandResult:
    return CommandResult(cmd.counter_id, 4, ("e4",))


async def test_a_successful_command_answers_ok_with_aggregate_version_and_events() -> None:
    reply = await run_command(Increment, succeed, body())

    assert reply.ok
    assert (reply.aggregate_id, reply.version, reply.events, reply.error) == ("c1", 4, ["e4"], None)


async def test_malformed_json_is_answered_invalid_with_details() -> None:
    reply = await run_command(Increment, succeed, b'{"command_id": ')

    assert error_of(reply).code == ErrorCode.INVALID
    assert error_of(reply).details


async def test_a_missing_field_is_answered_invalid_naming_the_field() -> None:
    raw = json.dumps({"command_id": "cmd-1", "actor": ACTOR, "counter_id": "c1"}).encode()

    reply = await run_command(Increment, succeed, raw)

    assert error_of(reply).code == ErrorCode.INVALID
    assert fields_named(reply) == ["by"]
    assert "by" in error_of(reply).message


async def test_a_missing_nested_field_is_named_by_its_path() -> None:
    reply = await run_command(Increment, succeed, body(actor={"roles": []}))

    assert error_of(reply).code == ErrorCode.INVALID
    assert fields_named(reply) == ["actor.id"]


async def test_an_empty_body_is_answered_invalid() -> None:
    reply = await run_command(Increment, succeed, b"")

    assert error_of(reply).code == ErrorCode.INVALID


async def test_an_invalid_command_never_reaches_the_handler() -> None:
    called: list[Increment] = []

    async def handle(cmd: Increment) -> CommandResult:
        called.append(cmd)
        return CommandResult("c1", 1, ())

    await run_command(Increment, handle, body(by=0))

    assert called == []


async def test_a_violated_rule_is_answered_with_its_rule_id() -> None:
    reply = await run_command(
        Increment, failing_with(RuleViolated("limit 10 would be passed", rule="TEST-3")), body()
    )

    error = error_of(reply)
    assert (error.code, error.rule, error.message) == (
        ErrorCode.RULE_VIOLATED,
        "TEST-3",
        "limit 10 would be passed",
    )


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (Forbidden("only dept_supervisor approves refunds", rule="AS-7"), ErrorCode.FORBIDDEN),
        (NotFound("Counter c1 does not exist"), ErrorCode.NOT_FOUND),
        (Conflict("gave up after 5 attempts"), ErrorCode.CONFLICT),
        (InvalidAggregateId("bad id"), ErrorCode.INVALID),
    ],
)
async def test_each_refusal_is_answered_with_its_own_code(exc: Exception, code: ErrorCode) -> None:
    reply = await run_command(Increment, failing_with(exc), body())

    assert error_of(reply).code == code


async def test_forbidden_is_answered_forbidden_with_its_rule() -> None:
    reply = await run_command(Increment, failing_with(Forbidden("not a supervisor", rule="AS-7")), body())

    assert (error_of(reply).code, error_of(reply).rule) == (ErrorCode.FORBIDDEN, "AS-7")


async def test_an_unavailable_stream_is_answered_unavailable() -> None:
    reply = await run_command(Increment, failing_with(StreamUnavailable("no responders")), body())

    assert error_of(reply).code == ErrorCode.UNAVAILABLE


async def test_another_store_failure_is_answered_unavailable() -> None:
    reply = await run_command(Increment, failing_with(ConcurrencyConflict("s", 3)), body())

    assert error_of(reply).code == ErrorCode.UNAVAILABLE


async def test_an_unexpected_error_is_answered_unavailable_instead_of_crashing() -> None:
    reply = await run_command(Increment, failing_with(KeyError("secret internals")), body())

    assert error_of(reply).code == ErrorCode.UNAVAILABLE
    assert "secret internals" not in error_of(reply).message


async def test_an_unexpected_error_is_logged_with_its_traceback_for_the_operator() -> None:
    """The reply says "it was logged": the log line carries the exception itself, so an operator
    sees where the defect is; a refusal by the domain is logged without one."""
    with structlog.testing.capture_logs() as logs:
        await run_command(Increment, failing_with(KeyError("secret internals")), body())
        await run_command(Increment, failing_with(RuleViolated("no", "ORD-1")), body())
        await run_query(CounterTotal, _failing_total, b'{"counter_id": "c1"}')

    defect, refusal, query = logs
    assert defect["log_level"] == "error"
    assert isinstance(defect["exc_info"], KeyError)
    assert refusal["log_level"] == "warning"
    assert "exc_info" not in refusal
    assert query["log_level"] == "error"
    assert isinstance(query["exc_info"], RuntimeError)


async def _failing_total(query: CounterTotal) -> int:
    raise RuntimeError("db gone")


async def test_a_refusal_serialises_to_the_wire_reply() -> None:
    reply = await run_command(
        Increment, failing_with(RuleViolated("counter is not open", rule="TEST-2")), body()
    )

    assert json.loads(reply.model_dump_json(exclude_none=True)) == {
        "ok": False,
        "error": {"code": "rule_violated", "message": "counter is not open", "rule": "TEST-2"},
    }


async def test_a_command_refused_by_the_domain_appends_nothing_and_replies_rule_violated() -> None:
    store = InMemoryEventStore("sample")
    repo = Repository(store, COUNTER)
    handler = CommandHandler(FixedClock())

    async def handle(cmd: Increment) -> CommandResult:
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        return await handler.execute(repo, cmd.counter_id, cause, lambda s: increment(s, cmd.by))

    reply = await run_command(Increment, handle, body())

    assert (error_of(reply).code, error_of(reply).rule) == (ErrorCode.RULE_VIOLATED, "TEST-2")
    assert store.all_events == []


async def test_a_query_answers_ok_with_its_result() -> None:
    async def total(query: CounterTotal) -> dict[str, int]:
        return {query.counter_id: 7}

    reply = await run_query(CounterTotal, total, b'{"counter_id": "c1"}')

    assert (reply.ok, reply.result) == (True, {"c1": 7})


async def test_an_invalid_query_is_answered_invalid() -> None:
    async def total(query: CounterTotal) -> int:
        return 7

    reply = await run_query(CounterTotal, total, b"{}")

    assert error_of(reply).code == ErrorCode.INVALID
    assert fields_named(reply) == ["counter_id"]


async def test_a_failing_query_is_answered_instead_of_crashing() -> None:
    async def total(query: CounterTotal) -> int:
        raise RuntimeError("db gone")

    reply = await run_query(CounterTotal, total, b'{"counter_id": "c1"}')

    assert error_of(reply).code == ErrorCode.UNAVAILABLE


async def test_a_query_for_something_missing_is_answered_not_found() -> None:
    async def total(query: CounterTotal) -> int:
        raise NotFound(f"counter {query.counter_id} does not exist")

    reply = await run_query(CounterTotal, total, b'{"counter_id": "c1"}')

    assert error_of(reply).code == ErrorCode.NOT_FOUND


# -- the strict wire (decision 0005) ---------------------------------------------------------


class Booking(Query):
    """A query with the field kinds the shop's contracts use, and a cross-field check."""

    amount: Decimal
    at: AwareDatetime
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Booking:
        if self.end < self.start:
            raise FieldError("end is before start", "end")
        return self


def booking(**fields: Any) -> bytes:
    base = {"amount": "19.90", "at": "2026-03-01T06:00:00+08:00", "start": "2026-03-01", "end": "2026-03-02"}
    return json.dumps({**base, **fields}).encode()


async def answer(query: Booking) -> dict[str, str]:
    return {"amount": str(query.amount), "at": query.at.isoformat()}


async def test_a_json_boolean_is_not_an_integer_on_the_wire() -> None:
    reply = await run_command(Increment, succeed, body(by=True))

    assert error_of(reply).code == ErrorCode.INVALID
    assert fields_named(reply) == ["by"]


async def test_a_json_number_is_not_a_date_time_on_the_wire() -> None:
    reply = await run_query(Booking, answer, booking(at=987654))

    assert error_of(reply).code == ErrorCode.INVALID
    assert fields_named(reply) == ["at"]


async def test_a_numeric_string_is_not_an_integer_on_the_wire() -> None:
    reply = await run_command(Increment, succeed, body(by="2"))

    assert fields_named(reply) == ["by"]


@pytest.mark.parametrize("amount", ["19.90", 19.9, 19])
async def test_money_is_read_from_a_json_string_or_number(amount: Any) -> None:
    reply = await run_query(Booking, answer, booking(amount=amount))

    assert reply.ok, reply.error
    assert Decimal(reply.result["amount"]) == Decimal(str(amount))


async def test_iso_dates_and_times_are_read_on_the_strict_wire() -> None:
    reply = await run_query(Booking, answer, booking())

    assert reply.ok, reply.error
    assert reply.result["at"] == "2026-03-01T06:00:00+08:00"


async def test_a_cross_field_check_names_its_field_not_the_body() -> None:
    reply = await run_query(Booking, answer, booking(start="2026-03-05"))

    assert fields_named(reply) == ["end"]
    assert error_of(reply).details == [
        {"field": "end", "problem": "end is before start", "type": "value_error"}
    ]


async def test_an_invalid_command_from_the_domain_lists_each_field_it_names() -> None:
    refusal = InvalidCommand("the hand-over goes to another person", "DIS-12", fields=["handed_to", "by"])

    reply = await run_command(Increment, failing_with(refusal), body())

    error = error_of(reply)
    assert (error.code, error.rule) == (ErrorCode.INVALID, "DIS-12")
    assert fields_named(reply) == ["handed_to", "by"]
    assert error.details is not None
    assert error.details[0]["problem"] == "the hand-over goes to another person"


def test_an_invalid_command_without_a_field_cannot_be_raised() -> None:
    with pytest.raises(TypeError):
        InvalidCommand("something is wrong", fields=[])


async def test_an_aggregate_id_that_cannot_be_a_subject_names_the_field_it_came_from() -> None:
    async def handle(cmd: Increment) -> CommandResult:
        raise InvalidAggregateId("aggregate id must be ...", cmd.counter_id)

    reply = await run_command(Increment, handle, body())

    assert fields_named(reply) == ["counter_id"]


def test_a_nested_cross_field_check_names_its_fields_under_the_nested_path() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_wire(OrderChanges, '{"lines": [{"line": 1}]}')

    reply = validation_reply(caught.value, "OrderChanges")

    assert fields_named(reply) == ["lines.0.sku", "lines.0.size", "lines.0.quantity", "lines.0.unit_price"]
