"""Typed errors of the event store and the domain.

Store errors say what went wrong with persistence; domain errors carry the rule id they enforce
and map one-to-one onto the reply error codes of ARCHITECTURE.md.
"""

from __future__ import annotations

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


class CorruptEvent(EventStoreError):
    """A stored message could not be decoded into a known event (bad JSON, unknown type, schema)."""


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
    code = ErrorCode.INVALID


class Conflict(DomainError):
    code = ErrorCode.CONFLICT
