"""`<service>.queries.History` (issue 18): every service answers one of its aggregates' events by
type and id, oldest first and paged, to the readers of its `<SERVICE>_QUERY_ROLES["History"]`
(default HISTORY_READERS) and to whoever recorded the aggregate's first event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from jetstream_es.identity import Issuer, SigningKey, Verifier
from jetstream_es.service.endpoints import Request
from jetstream_es.testing.app import TestApp, bootstrap_test_app
from jetstream_es.testing.sample import Increment, OpenCounter, build
from shop_contracts.envelope import Actor
from shop_contracts.errors import Reply

KEY = SigningKey.generate("k1", "shop-issuer")
ISSUER = Issuer(KEY)
SUBJECT = "sample.queries.History"
CLERK = Actor(id="clerk-1", roles=("order_clerk",))
MANAGER = Actor(id="mgr-1", roles=("dept_manager",))
STRANGER = Actor(id="other-1", roles=("order_clerk",))


async def app_with_counter(increments: int = 0) -> TestApp:
    app = bootstrap_test_app(build, "sample", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    app.runtime.verifier = Verifier({"k1": KEY.trusted()})
    await app.given(OpenCounter(command_id="open-c1", actor=CLERK, counter_id="c1", name="one"))
    for n in range(increments):
        await app.given(Increment(command_id=f"inc-c1-{n}", actor=MANAGER, counter_id="c1", by=1))
    return app


async def history(app: TestApp, actor: Actor, **body: Any) -> Reply:
    raw = json.dumps({"aggregate_type": "Counter", "aggregate_id": "c1", **body}).encode()
    return await app.runtime.endpoint(SUBJECT)(Request(SUBJECT, raw, ISSUER.mint(actor, SUBJECT, raw)))


async def test_a_manager_reads_every_event_newest_last_with_who_and_when() -> None:
    app = await app_with_counter(increments=2)
    reply = await history(app, MANAGER)
    assert reply.ok, reply
    events = reply.result["events"]
    assert [e["event_type"] for e in events] == ["CounterOpened", "CounterIncremented", "CounterIncremented"]
    assert [e["version"] for e in events] == [1, 2, 3]
    assert events[0]["actor_id"] == "clerk-1"
    assert events[1]["actor_id"] == "mgr-1"
    assert events[0]["occurred_at"].startswith("2026-12-02T09:00")
    assert reply.result["next_after"] is None


async def test_history_is_paged_after_a_version() -> None:
    app = await app_with_counter(increments=3)
    first = await history(app, MANAGER, limit=2)
    assert [e["version"] for e in first.result["events"]] == [1, 2]
    assert first.result["next_after"] == 2
    rest = await history(app, MANAGER, after_version=2, limit=2)
    assert [e["version"] for e in rest.result["events"]] == [3, 4]
    assert rest.result["next_after"] is None


async def test_whoever_recorded_the_first_event_reads_their_own_record() -> None:
    app = await app_with_counter(increments=1)
    reply = await history(app, CLERK)
    assert reply.ok, reply


async def test_anyone_else_is_forbidden_naming_the_readers() -> None:
    """IDN-8: the service's history readers or whoever recorded the first event."""
    app = await app_with_counter()
    reply = await history(app, STRANGER)
    assert reply.error is not None
    assert reply.error.code == "forbidden"
    assert reply.error.rule == "IDN-8"
    assert reply.error.details is not None
    assert reply.error.details[0]["reason"] == "read_role_required"
    assert "dept_manager" in reply.error.details[0]["roles"]


async def test_the_query_roles_setting_replaces_the_default_readers() -> None:
    app = await app_with_counter()
    app.runtime.configure_query_roles('{"History": ["order_clerk"]}', setting="SAMPLE_QUERY_ROLES")
    assert (await history(app, STRANGER)).ok
    refused = await history(app, MANAGER)
    assert refused.error is not None
    assert refused.error.code == "forbidden"


async def test_an_unknown_aggregate_type_is_invalid_naming_the_known_ones() -> None:
    app = await app_with_counter()
    reply = await history(app, MANAGER, aggregate_type="Ledger")
    assert reply.error is not None
    assert reply.error.code == "invalid"
    assert "Counter" in reply.error.message
    assert reply.error.details == [
        {"field": "aggregate_type", "problem": reply.error.message, "type": "invalid"}
    ]


async def test_an_aggregate_without_events_is_not_found() -> None:
    app = await app_with_counter()
    reply = await history(app, MANAGER, aggregate_id="c-unknown")
    assert reply.error is not None
    assert reply.error.code == "not_found"
