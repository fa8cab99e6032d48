"""Base models for commands, queries and event data, and the versioning convention.

Versioning: an event's `data` is described by one `EventData` subclass per `event_type`, carrying
`schema_version`. A breaking change bumps `schema_version` and registers an upcaster from the
previous version in the owning service; old streams stay readable forever. Additive optional
fields do not need a new version. Consumers skip event types they do not know.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.envelope import Actor

ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
"""Aggregate ids become one subject token: letters, digits, '_' and '-' only."""


class EventData(BaseModel):
    """The `data` of one event type at one schema version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1


class Command(BaseModel):
    """Every command carries a client-chosen `command_id` (idempotency key) and the acting `actor`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    command_name: ClassVar[str]

    command_id: str = Field(pattern=ID_PATTERN, description="idempotency key chosen by the caller")
    actor: Actor
    correlation_id: str | None = Field(default=None, max_length=128)


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    query_name: ClassVar[str]
