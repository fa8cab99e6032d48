"""Build stored events for unit tests of projections, without a store or a server."""

from __future__ import annotations

from datetime import datetime

from jetstream_es.events import StoredEvent
from jetstream_es.projection.base import Decoded
from shop_contracts.envelope import SYSTEM_ACTOR, EventEnvelope
from shop_contracts.messages import EventData


def decoded_event(
    data: EventData,
    version: int,
    *,
    service: str,
    aggregate_type: str,
    aggregate_id: str,
    occurred_at: datetime,
    stream_seq: int | None = None,
) -> Decoded:
    """`data` as the `version`-th event of one aggregate, as a projection receives it (stream
    sequence = `version` unless given)."""
    envelope = EventEnvelope(
        event_id=f"e-{version}",
        event_type=data.event_type,
        schema_version=data.schema_version,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        version=version,
        occurred_at=occurred_at,
        actor=SYSTEM_ACTOR,
        correlation_id="c",
        causation_id="c",
        data=data.model_dump(mode="json"),
    )
    subject = f"{service}.events.{aggregate_type}.{aggregate_id}"
    return Decoded(StoredEvent(envelope, stream_seq or version, subject), data)
