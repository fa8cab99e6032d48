"""The shop's integration contract (ARCHITECTURE.md "Commands and queries", "The event store").

Pure data: the event envelope, subject names, error codes, reply schema and the versioned
models of the events and commands other services rely on. No behaviour, no I/O.
"""

from shop_contracts.envelope import Actor, EventEnvelope
from shop_contracts.errors import ErrorBody, ErrorCode, Reply
from shop_contracts.messages import Command, EventData, Query

__all__ = [
    "Actor",
    "Command",
    "ErrorBody",
    "ErrorCode",
    "EventData",
    "EventEnvelope",
    "Query",
    "Reply",
]
