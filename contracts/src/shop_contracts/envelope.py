"""The event envelope: one self-contained JSON body per stored event.

Every stored event carries its own identity, position, time, actor and causal links so that an
exported stream can be replayed anywhere (ARCHITECTURE.md "The event store is JetStream").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class Actor(BaseModel):
    """Who did it: a staff member, the buyer, or a system process, with the roles they acted in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=128)
    roles: tuple[str, ...] = ()

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


SYSTEM_ACTOR = Actor(id="system", roles=("system",))


class EventEnvelope(BaseModel):
    """The stored form of one event. `data` holds the event's own fields at `schema_version`.

    `causation_id` is the id of the command that caused the event, or `<reaction>/<event_id>`
    when a reaction caused it; `correlation_id` is carried unchanged along the whole chain.
    `command_fingerprint` is the hash of the causing command's payload (all but `command_id` and
    `correlation_id`): a command id sent again with another payload is refused as a conflict
    instead of getting the first answer (decision 0005). Absent for reactions and older events.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(min_length=1, max_length=64)
    event_type: str = Field(min_length=1, max_length=128)
    schema_version: int = Field(ge=1)
    aggregate_type: str = Field(min_length=1, max_length=64)
    aggregate_id: str = Field(min_length=1, max_length=128)
    version: int = Field(ge=1, description="position of the event in its aggregate, from 1")
    occurred_at: AwareDatetime
    actor: Actor
    correlation_id: str = Field(min_length=1, max_length=128)
    causation_id: str = Field(min_length=1, max_length=128)
    command_fingerprint: str | None = Field(default=None, max_length=64)
    data: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)
