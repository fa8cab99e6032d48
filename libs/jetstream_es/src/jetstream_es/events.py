"""Stored and new events, the event-type registry and the upcaster chain.

An upcaster turns the `data` of one `schema_version` into the next; the registry applies the
chain until the current version, so old streams keep loading (ARCHITECTURE.md, versioning).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_json

from jetstream_es.errors import CorruptEvent
from shop_contracts.envelope import EventEnvelope
from shop_contracts.messages import EventData, validate_wire

EVENT_ID_NAMESPACE = uuid.UUID("6f1d7f0e-8a61-4a5a-9d0b-2f4b1f0c5e11")

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def derive_event_id(aggregate_type: str, aggregate_id: str, cause_id: str, index: int) -> str:
    """Deterministic event id: the same command (or causing event) always yields the same ids."""
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{aggregate_type}/{aggregate_id}/{cause_id}/{index}"))


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event decided by an aggregate, not yet stored."""

    envelope: EventEnvelope

    @property
    def event_id(self) -> str:
        return self.envelope.event_id

    @property
    def event_type(self) -> str:
        return self.envelope.event_type


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from the store, with its position in the stream."""

    envelope: EventEnvelope
    stream_seq: int
    subject: str

    @property
    def event_type(self) -> str:
        return self.envelope.event_type

    @property
    def event_id(self) -> str:
        return self.envelope.event_id


class EventRegistry:
    """Knows the current model of every event type and how to upcast older versions to it."""

    def __init__(self, models: Iterable[type[EventData]] = ()) -> None:
        self._models: dict[str, type[EventData]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        for model in models:
            self.register(model)

    def register(self, model: type[EventData]) -> type[EventData]:
        known = self._models.get(model.event_type)
        if known is not None and known is not model:
            raise ValueError(f"event type {model.event_type} is registered twice")
        self._models[model.event_type] = model
        return model

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register `fn` turning `data` at `from_version` into `from_version + 1`."""

        def register(fn: Upcaster) -> Upcaster:
            key = (event_type, from_version)
            if key in self._upcasters:
                raise ValueError(f"upcaster for {event_type} v{from_version} is registered twice")
            self._upcasters[key] = fn
            return fn

        return register

    def knows(self, event_type: str) -> bool:
        return event_type in self._models

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._models)

    @property
    def models(self) -> tuple[type[EventData], ...]:
        """The current model of every registered event type, in registration order."""
        return tuple(self._models.values())

    def model(self, event_type: str) -> type[EventData]:
        try:
            return self._models[event_type]
        except KeyError:
            raise CorruptEvent(f"unknown event type {event_type!r}") from None

    def upcast(self, envelope: EventEnvelope) -> EventEnvelope:
        """The envelope with `data` at the current schema version of its type."""
        model = self.model(envelope.event_type)
        version, data = envelope.schema_version, envelope.data
        if version > model.schema_version:
            raise CorruptEvent(
                f"{envelope.event_type} v{version} is newer than this code (v{model.schema_version})"
            )
        while version < model.schema_version:
            step = self._upcasters.get((envelope.event_type, version))
            if step is None:
                raise CorruptEvent(f"no upcaster for {envelope.event_type} v{version}")
            try:
                data = step(dict(data))
            except Exception as exc:
                raise CorruptEvent(
                    f"{envelope.event_type} v{version} could not be upcast: {type(exc).__name__}: {exc}"
                ) from exc
            version += 1
        if version == envelope.schema_version:
            return envelope
        return envelope.model_copy(update={"schema_version": version, "data": data})

    def decode(self, envelope: EventEnvelope) -> EventData:
        """The typed data of an envelope, upcast to the current version and validated.

        The data is read as the JSON it was stored as, strictly (decision 0005): a value of the
        wrong JSON type makes the event unreadable instead of being coerced.
        """
        current = self.upcast(envelope)
        try:
            return validate_wire(self.model(current.event_type), to_json(current.data))
        except ValidationError as exc:
            raise CorruptEvent(f"{current.event_type} data does not match its schema: {exc}") from exc


def parse_envelope(body: bytes) -> EventEnvelope:
    """A stored body as an envelope, read as strict JSON like every message (decision 0005)."""
    try:
        return validate_wire(EventEnvelope, body)
    except ValidationError as exc:
        raise CorruptEvent(f"not an event envelope: {exc.errors()[0]['msg']}") from exc
