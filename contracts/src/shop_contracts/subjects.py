"""Subject names and stream names (ARCHITECTURE.md "The event store is JetStream").

Events: `<service>.events.<Aggregate>.<aggregate_id>` on the service's stream; the event type
travels in the `Event-Type` header and the envelope. Commands and queries are request/reply on
`<service>.commands.<CommandName>` and `<service>.queries.<QueryName>`.
"""

from __future__ import annotations

import re
from typing import Final

SERVICES: Final = ("orders", "fulfilment", "aftersales", "hr", "identity", "catalog", "kpi")
STREAMS: Final = {service: service.upper() for service in SERVICES}
DLQ_STREAM: Final = "DLQ"
DLQ_SUBJECTS: Final = "dlq.>"
KEY_STREAMS: Final = {"hr": "HR_KEYS"}
"""Secrets a service needs to read its own history (HR's per-employee data keys, HR-38), one stream
per service outside its event stream: one message per subject (`<service>.keys.<id>`, the latest
wins), so an erasure replaces the key and it is gone. Exports of these are encrypted (decision 0006)."""

_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


def is_token(value: str) -> bool:
    """True when `value` can stand as one subject token (no dots, spaces or wildcards)."""
    return bool(_TOKEN.match(value))


def stream_name(service: str) -> str:
    return service.upper()


def events_root(service: str) -> str:
    return f"{service}.events"


def event_subject(service: str, aggregate_type: str, aggregate_id: str) -> str:
    if not (is_token(aggregate_type) and is_token(aggregate_id)):
        raise ValueError(f"not a subject token: {aggregate_type!r}.{aggregate_id!r}")
    return f"{service}.events.{aggregate_type}.{aggregate_id}"


def aggregate_filter(service: str, aggregate_type: str) -> str:
    return f"{service}.events.{aggregate_type}.>"


def command_subject(service: str, command_name: str) -> str:
    return f"{service}.commands.{command_name}"


def query_subject(service: str, query_name: str) -> str:
    return f"{service}.queries.{query_name}"


def dlq_subject(service: str, consumer: str) -> str:
    return f"dlq.{service}.{consumer}"


def keys_subject(service: str, key_id: str) -> str:
    if not is_token(key_id):
        raise ValueError(f"not a subject token: {key_id!r}")
    return f"{service}.keys.{key_id}"


def keys_filter(service: str) -> str:
    return f"{service}.keys.>"


def health_subject(service: str) -> str:
    return query_subject(service, "Health")


SIM_CLOCK_BUCKET: Final = "shop_sim_clock"
SIM_CLOCK_KEY: Final = "now"
