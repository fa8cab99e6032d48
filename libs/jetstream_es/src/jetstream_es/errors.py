"""Typed errors of the event store and the domain.

Store errors say what went wrong with persistence; domain errors carry the rule id they enforce
and map one-to-one onto the reply error codes of ARCHITECTURE.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shop_contracts.errors import ErrorCode


class EventStoreError(Exception):
    """Base of every event-store failure."""


class ConcurrencyConflict(EventStoreError):
    """Someone appended to the aggregate since it was loaded (JetStream error 10071)."""

    def __init__(self, subject: str, expected_seq: int, actual: str = "") -> None:
        super().__init__(f"concurrency conflict on {subject}: expected last sequence {expected_seq} {actual}")
        self.subject = subject
        self.expected_seq = expected_seq


class DuplicateAppend(EventStoreError):
    """The events of this command were stored already (message-id dedup)."""


class StreamUnavailable(EventStoreError):
    """The stream could not be reached or did not answer in time; nothing is known to be stored."""


class InvalidAggregateId(EventStoreError, ValueError):
    """The aggregate id cannot be one subject token."""

    def __init__(self, message: str, aggregate_id: str = "") -> None:
        super().__init__(message)
        self.aggregate_id = aggregate_id


class CorruptEvent(EventStoreError):
    """A stored message could not be decoded into a known event (bad JSON, unknown type, schema)."""


class UnreadableHistory(CorruptEvent):
    """An aggregate's history holds an event this code cannot read: a permanent refusal.

    Answered `unreadable_history` (decision 0005), never `unavailable`: every command on the
    aggregate would fail the same way until an operator deploys a fix (an upcaster, a model).
    """

    def __init__(self, aggregate_type: str, aggregate_id: str, stream_seq: int | None, reason: str) -> None:
        where = f" at stream sequence {stream_seq}" if stream_seq is not None else ""
        super().__init__(
            f"{aggregate_type} {aggregate_id} holds an event{where} this code cannot read: {reason}"
        )
        self.aggregate_type = aggregate_type
        self.aggregate_id = aggregate_id
        self.stream_seq = stream_seq
        self.reason = reason


class DomainError(Exception):
    """A command was refused by the domain. Subclasses fix the reply code."""

    code: ErrorCode = ErrorCode.RULE_VIOLATED

    def __init__(self, message: str, rule: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.details = details


class RuleViolated(DomainError):
    code = ErrorCode.RULE_VIOLATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class InvalidCommand(DomainError):
    """Input the domain refuses as invalid; it always names the field(s) at fault.

    `fields` are paths in the command's body (`lines.0.sku`); the reply has one `details` entry
    per field with its path and the problem, as a schema error has (decision 0005).
    """

    code = ErrorCode.INVALID

    def __init__(self, message: str, rule: str | None = None, *, fields: Sequence[str]) -> None:
        if not fields:
            raise TypeError("InvalidCommand names at least one field")
        details: list[dict[str, Any]] = [
            {"field": name, "problem": message, "type": "rule" if rule else "invalid"} for name in fields
        ]
        super().__init__(message, rule, details)
        self.fields = tuple(fields)


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
