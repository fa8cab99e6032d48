"""A command id is one command (decision 0005): the fingerprint of the command being handled.

The runtime's endpoint runs each command's handler inside `handling(cmd)`. Appends whose cause
key is that command id record `command_fingerprint` in their envelopes, and a stored outcome of
the same command id with another fingerprint is refused as a `Conflict` wherever an outcome is
looked up (`Repository.outcome`), so handlers that check for a repeat themselves are covered too.
Derived cause keys (`issue-<date>`, `<command id>/<step>`) that several commands share are not.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Iterator

from jetstream_es.aggregate import Outcome
from jetstream_es.errors import Conflict
from jetstream_es.events import derive_event_id
from shop_contracts.messages import Command

_handling: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "jetstream_es_handling", default=None
)


def command_fingerprint(cmd: Command) -> str:
    """The hash of a command's canonical payload: its name and every field but the ids of the call."""
    payload = cmd.model_dump(mode="json", exclude={"command_id", "correlation_id"})
    canonical = json.dumps([cmd.command_name, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@contextlib.contextmanager
def handling(cmd: Command) -> Iterator[str]:
    """While `cmd` is handled, appends caused by its command id record its fingerprint."""
    fingerprint = command_fingerprint(cmd)
    token = _handling.set((cmd.command_id, fingerprint))
    try:
        yield fingerprint
    finally:
        _handling.reset(token)


def fingerprint_for(cause_key: str) -> str | None:
    """The fingerprint to record for an append caused by `cause_key` (None: not the command's own)."""
    current = _handling.get()
    return current[1] if current is not None and current[0] == cause_key else None


def check_repeat(aggregate_type: str, aggregate_id: str, first_event_id: str, done: Outcome) -> None:
    """Refuse a repeat of the command being handled whose stored outcome has another payload."""
    current = _handling.get()
    if current is None or done.fingerprint is None or done.fingerprint == current[1]:
        return
    command_id = current[0]
    if first_event_id != derive_event_id(aggregate_type, aggregate_id, command_id, 0):
        return
    raise Conflict(
        f"command id {command_id!r} was used already for another command on {aggregate_type} "
        f"{aggregate_id} (version {done.version}); a new command needs a new command_id"
    )
