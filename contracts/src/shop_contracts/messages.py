"""Base models for commands, queries and event data, and the versioning convention.

Versioning: an event's `data` is described by one `EventData` subclass per `event_type`, carrying
`schema_version`. A breaking change bumps `schema_version` and registers an upcaster from the
previous version in the owning service; old streams stay readable forever. Additive optional
fields do not need a new version. What a consumer does with an event type it does not know is
decided per consumer (decision 0002): a reader of another service's stream skips it, a reader of
its own service's aggregates parks it in the DLQ, an aggregate refuses to load (decision 0005).

The wire is strict (decision 0005): the runtime validates every command and query body with
`model_validate_json(..., strict=True)`, so a JSON value of the wrong type is refused at its
field's path (`true` is not an integer, a number is not a date-time). Money (`Decimal`) is read
from a JSON string or number, dates and times from ISO 8601 strings, enums from their values.
Python code that builds models itself (tests, reactions) keeps pydantic's ordinary coercion.
A cross-field check raises `FieldError` naming the fields it is about, never a bare ValueError.

Names come from the class: an event type is its `EventData` subclass's name, a command's and a
query's wire name their model's name, and `schema_version` is 1; a class sets the attribute only
to differ (an older version kept for upcasting, a wire name that is not the class's).

The actor is proven, not claimed (decision 0009): a command's `actor` is the one its request's
signed token names (a body may omit it; one that differs is refused), and a query declares who may
read it (`read_roles`, `read_rule`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.envelope import Actor

M = TypeVar("M", bound=BaseModel)


def _name_from_class(cls: type, attribute: str) -> None:
    """Give `cls` its own name as `attribute` unless it declares one itself."""
    if attribute not in cls.__dict__:
        setattr(cls, attribute, cls.__name__)


ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
"""Aggregate ids become one subject token: letters, digits, '_' and '-' only."""

ROLE_ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
"""A role id: lower-case letters, digits and `_`, starting with a letter (at most 64 characters)."""


class FieldError(ValueError):
    """A model validator's refusal that names the field(s) at fault, relative to the model.

    The runtime reports one `invalid` detail per field, under the model's own path
    (`changes.lines.0.sku`), instead of the path-less `(body)`.
    """

    def __init__(self, message: str, *fields: str) -> None:
        if not fields:
            raise TypeError("FieldError names at least one field")
        super().__init__(message)
        self.fields = fields


def validate_wire(model: type[M], raw: bytes | str) -> M:
    """The wire form of `model`: a JSON body validated in strict mode (decision 0005)."""
    return model.model_validate_json(raw, strict=True)


class EventData(BaseModel):
    """The `data` of one event type at one schema version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _name_from_class(cls, "event_type")


class Command(BaseModel):
    """Every command carries a client-chosen `command_id` (idempotency key) and the acting `actor`:
    the runtime sets `actor` from the request's signed token before the handler runs (decision 0009)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    command_name: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _name_from_class(cls, "command_name")

    command_id: str = Field(pattern=ID_PATTERN, description="idempotency key chosen by the caller")
    actor: Actor
    correlation_id: str | None = Field(default=None, max_length=128)


class Query(BaseModel):
    """A question to a service. The runtime answers it only to a proven actor (decision 0009): the
    request's token names who asks, and `read_roles` who may read the answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    query_name: ClassVar[str]
    read_roles: ClassVar[tuple[str, ...] | None] = None
    """The roles (rules.md §0 role ids) that may read it; None: any proven actor, the handler
    narrowing it to the reader's own data where the rules say so (`current_actor()`, an employee's
    payslip). Anyone else is answered `forbidden` before the handler runs."""
    read_rule: ClassVar[str | None] = None
    """The rule a refusal cites (the rule that says who reads it)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _name_from_class(cls, "query_name")
