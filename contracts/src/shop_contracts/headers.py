"""Every NATS message header name the shop writes or reads, in one enum (issue 16).

Three kinds, told apart by their prefix:

- the shop's own: `Event-Type` and `Event-Schema-Version` on every event (ARCHITECTURE.md "The event
  store is JetStream"; a projection routes on the type without decoding the body), `Key-State` on a
  data key in a service's key stream (HR-38, decision 0006), `Shop-Actor-Token` on a request (the
  signed actor, decision 0009);
- JetStream's (`Nats-*`): deduplication and the per-subject optimistic-concurrency check when
  publishing (`Nats-Msg-Id`, `Nats-Expected-Last-Subject-Sequence`), atomic batch publishing, and the
  stored message's coordinates on direct-get replies (`Nats-Sequence`, `Nats-Subject`, ...);
  `Status` / `Description` are the status line of a direct-get reply;
- the dead-letter queue's (`Dlq-*`): why and from where a projection parked a message, and how an
  operator resolved it (`jetstream_es.dlq` writes and parses both).

A member is a `str`, so it is used as a header key as it is: `{Header.MSG_ID: event_id}`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

NATS_PREFIX: Final = "Nats-"
"""Headers JetStream owns; dropped when a message is copied (to the DLQ, into an export)."""
DLQ_PREFIX: Final = "Dlq-"
"""Headers the dead-letter queue adds to a parked message and to a resolution."""


class Header(StrEnum):
    # the shop's own
    EVENT_TYPE = "Event-Type"
    SCHEMA_VERSION = "Event-Schema-Version"
    KEY_STATE = "Key-State"
    ACTOR_TOKEN = "Shop-Actor-Token"
    """A request's signed actor assertion (jetstream_es.identity, decision 0009)."""

    # JetStream: publishing
    MSG_ID = "Nats-Msg-Id"
    EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence"
    BATCH_ID = "Nats-Batch-Id"
    BATCH_SEQUENCE = "Nats-Batch-Sequence"
    BATCH_COMMIT = "Nats-Batch-Commit"

    # JetStream: a stored message read back (direct get)
    SEQUENCE = "Nats-Sequence"
    SUBJECT = "Nats-Subject"
    TIME_STAMP = "Nats-Time-Stamp"
    NUM_PENDING = "Nats-Num-Pending"
    STATUS = "Status"
    DESCRIPTION = "Description"

    # the dead-letter queue: a parked message
    DLQ_REASON = "Dlq-Reason"
    DLQ_ERROR = "Dlq-Error"
    DLQ_STREAM = "Dlq-Stream"
    DLQ_SUBJECT = "Dlq-Subject"
    DLQ_SEQUENCE = "Dlq-Sequence"
    DLQ_CONSUMER = "Dlq-Consumer"
    DLQ_SERVICE = "Dlq-Service"
    DLQ_ATTEMPTS = "Dlq-Attempts"
    DLQ_AT = "Dlq-At"
    DLQ_ORIGINAL_MSG_ID = "Dlq-Original-Msg-Id"

    # the dead-letter queue: a resolution
    DLQ_RESOLVES = "Dlq-Resolves"
    DLQ_RESOLUTION = "Dlq-Resolution"
    DLQ_RESOLUTION_REASON = "Dlq-Resolution-Reason"
    DLQ_RESOLVED_BY = "Dlq-Resolved-By"
    DLQ_RESOLVED_AT = "Dlq-Resolved-At"
