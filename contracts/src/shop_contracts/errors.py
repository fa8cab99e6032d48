"""Error codes and the reply schema of every command and query (ARCHITECTURE.md "Commands and queries")."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorCode(StrEnum):
    """What went wrong, and whether sending the same request again can help (decision 0005).

    `unavailable` is the only transient code: retry later, the same request may succeed.
    `unreadable_history` is permanent: the aggregate's stored history holds an event this code
    cannot read (unknown type, failed upcast, data that no longer validates); every command on
    it is refused the same way until an operator deploys a fix. `too_large` means the answer
    does not fit one NATS message: ask for a page. The others are the caller's or the domain's.
    """

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    RULE_VIOLATED = "rule_violated"
    UNAVAILABLE = "unavailable"
    UNREADABLE_HISTORY = "unreadable_history"
    TOO_LARGE = "too_large"


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ErrorCode
    message: str
    rule: str | None = None
    details: list[dict[str, Any]] | None = None


class Reply(BaseModel):
    """`{"ok": true, "aggregate_id", "version", "events"}` or `{"ok": false, "error": {...}}`.

    Queries answer with `ok` and `result`.
    """

    model_config = ConfigDict(extra="forbid")

    ok: bool
    aggregate_id: str | None = None
    version: int | None = None
    events: list[str] | None = None
    result: Any = None
    error: ErrorBody | None = None

    @classmethod
    def failure(
        cls,
        code: ErrorCode,
        message: str,
        rule: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> Reply:
        return cls(ok=False, error=ErrorBody(code=code, message=message, rule=rule, details=details))
