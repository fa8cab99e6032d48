"""The `History` query every service answers (issue 18): one of its aggregates' events by type and
id, oldest first (newest last), a page at a time, for the back office's record pages.

Readers: the service's `<SERVICE>_QUERY_ROLES` entry for `History`, else
`shop_contracts.queries.history.HISTORY_READERS`; also whoever recorded the aggregate's first
event (their own record). Anyone else is `forbidden` (`read_role_required`). Only the aggregate
types the service appends to are known (`invalid` naming the known ones otherwise); an aggregate
with no events is `not_found`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jetstream_es.errors import Forbidden, InvalidCommand, NotFound
from jetstream_es.identity import current_actor
from jetstream_es.service.endpoints import READ_ROLE_REQUIRED
from shop_contracts.queries.history import HISTORY_READERS, History

if TYPE_CHECKING:
    from jetstream_es.service.runtime import ServiceRuntime


def history_readers(runtime: ServiceRuntime) -> tuple[str, ...]:
    configured = runtime.read_roles(History)
    return configured if configured is not None else HISTORY_READERS


async def answer_history(runtime: ServiceRuntime, query: History) -> dict[str, Any]:
    known = sorted(kind.name for kind in runtime.appended)
    if query.aggregate_type not in known:
        raise InvalidCommand(
            f"{runtime.name} keeps no aggregate {query.aggregate_type!r}; known: {', '.join(known) or 'none'}",
            fields=["aggregate_type"],
        )
    events = await runtime.store.read(query.aggregate_type, query.aggregate_id)
    if not events:
        raise NotFound(f"no {query.aggregate_type} {query.aggregate_id} in {runtime.name}")
    reader = current_actor()
    readers = history_readers(runtime)
    if not reader.has_any(*readers) and events[0].envelope.actor.id != reader.id:
        raise Forbidden(
            f"IDN-8: the history of {query.aggregate_type} {query.aggregate_id} is read by "
            f"{' or '.join(readers)} or whoever recorded it; {reader.id} is neither",
            "IDN-8",
            details=[{"reason": READ_ROLE_REQUIRED, "roles": list(readers)}],
        )
    page = [e for e in events if e.envelope.version > query.after_version][: query.limit]
    last = events[-1].envelope.version
    return {
        "aggregate_type": query.aggregate_type,
        "aggregate_id": query.aggregate_id,
        "version": last,
        "events": [
            {
                "version": e.envelope.version,
                "event_type": e.envelope.event_type,
                "occurred_at": e.envelope.occurred_at.isoformat(),
                "actor_id": e.envelope.actor.id,
                "actor_roles": list(e.envelope.actor.roles),
                "data": e.envelope.data,
            }
            for e in page
        ],
        "next_after": page[-1].envelope.version if page and page[-1].envelope.version < last else None,
    }
