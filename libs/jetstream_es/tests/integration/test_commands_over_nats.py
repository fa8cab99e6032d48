"""Commands over NATS request/reply through the service runtime, against a real nats-server.

The reply schema of ARCHITECTURE.md; concurrent writers on one aggregate; the same command twice;
bad input answered, never crashing the service; old event versions load through upcasters.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.repository import Repository
from jetstream_es.service.runtime import ServiceRuntime
from jetstream_es.testing.harness import request as signed_request
from jetstream_es.testing.identity import session_identity
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.sample import COUNTER, CounterTotals, registry
from shop_contracts.envelope import Actor

from .helpers import provision_consumer, sample_service

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).with_name("fixtures")
ACTOR = {"id": "clerk-1", "roles": ["system"]}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = sample_service(nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    await runtime.start()
    yield runtime
    await runtime.stop()


async def send(nc: Client, command: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    """A command signed as the actor its body names (the session's test identity)."""
    return await signed_request(nc, f"sample.commands.{command}", body)


async def test_a_command_replies_with_the_aggregate_version_and_event_ids(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await send(
        nc, "OpenCounter", {"command_id": "o1", "actor": ACTOR, "counter_id": "c1", "name": "A"}
    )
    assert reply["ok"] is True
    assert (reply["aggregate_id"], reply["version"], len(reply["events"])) == ("c1", 1, 1)


async def test_the_same_command_sent_twice_appends_one_event(service: ServiceRuntime, nc: Client) -> None:
    await send(nc, "OpenCounter", {"command_id": "o1", "actor": ACTOR, "counter_id": "c1", "name": "A"})
    body = {"command_id": "inc-1", "actor": ACTOR, "counter_id": "c1", "by": 2}
    first, second = await send(nc, "Increment", body), await send(nc, "Increment", body)
    assert first == second
    store = JetStreamEventStore(nc, "sample")
    assert len(await store.read("Counter", "c1")) == 2
    await store.close()


async def test_concurrent_commands_from_two_instances_on_one_aggregate_all_land_once(
    nats_server: NatsServer, service: ServiceRuntime, nc: Client, tmp_path: Path
) -> None:
    other = sample_service(nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'b.db'}")
    await other.start()
    try:
        await send(nc, "OpenCounter", {"command_id": "o1", "actor": ACTOR, "counter_id": "hot", "name": "A"})
        bodies = [{"command_id": f"i{n}", "actor": ACTOR, "counter_id": "hot", "by": 1} for n in range(40)]
        replies = await asyncio.gather(*(send(nc, "Increment", b) for b in bodies))
        assert all(r["ok"] for r in replies), [r for r in replies if not r["ok"]][:3]
        loaded = await Repository(JetStreamEventStore(nc, "sample"), COUNTER, cache_size=0).load("hot")
        assert (loaded.state.total, loaded.version) == (40, 41)
        assert sorted(r["version"] for r in replies) == list(range(2, 42))
    finally:
        await other.stop()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "(body)"),
        ({"command_id": "x", "actor": ACTOR, "counter_id": "c1"}, "by"),
        ({"command_id": "x", "actor": ACTOR, "counter_id": "c.1", "by": 1}, "counter_id"),
        ({"command_id": "x", "actor": {"roles": []}, "counter_id": "c1", "by": 1}, "actor.id"),
        ({"command_id": "x", "actor": ACTOR, "counter_id": "c1", "by": 0}, "by"),
    ],
)
async def test_bad_input_is_invalid_with_the_field_path_and_appends_nothing(
    service: ServiceRuntime, nc: Client, body: dict[str, Any] | bytes, field: str
) -> None:
    reply = await send(nc, "Increment", body)
    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid"
    assert field in [d["field"] for d in reply["error"]["details"]]
    info = await nc.jetstream().stream_info("SAMPLE")
    assert info.state.messages == 0


async def test_a_domain_rule_violation_names_its_rule_and_appends_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await send(nc, "Increment", {"command_id": "x", "actor": ACTOR, "counter_id": "nope", "by": 1})
    assert reply == {
        "ok": False,
        "error": {"code": "rule_violated", "message": "counter is not open", "rule": "TEST-2"},
    }


async def test_health_answers_on_nats(service: ServiceRuntime, nc: Client) -> None:
    reply = json.loads((await nc.request("sample.queries.Health", b"{}", timeout=5)).data)
    assert reply["ok"] is True
    assert reply["result"]["service"] == "sample"
    assert reply["result"]["status"] == "ok"


async def test_an_old_event_version_loads_through_its_upcaster(nc: Client) -> None:
    """The stored fixture stream holds CounterIncremented at schema v1 ({"amount": n})."""
    js = nc.jetstream()
    for line in (FIXTURES / "counter_stream_v1.jsonl").read_text().splitlines():
        record = json.loads(line)
        await js.publish(record["subject"], json.dumps(record["body"]).encode(), headers=record["headers"])
    store = JetStreamEventStore(nc, "sample")
    loaded = await Repository(store, COUNTER).load("legacy")
    assert (loaded.state.name, loaded.state.total, loaded.version) == ("legacy", 12, 4)
    await store.close()


async def test_an_operator_replays_a_projection_over_nats(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    await provision_consumer(nc)
    runtime = sample_service(nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    runtime.projection(CounterTotals(registry))  # durable sample-counter-totals (CONSUMER)
    await runtime.start()
    try:
        await send(nc, "OpenCounter", {"command_id": "o1", "actor": ACTOR, "counter_id": "c1", "name": "A"})
        await runtime.runners[0].wait_caught_up()
        request = json.dumps({"projection": "counter_totals"}).encode()
        reply = await signed_request(nc, "sample.admin.ReplayProjection", request)
        assert reply["ok"] is True
        assert (reply["result"]["generation"], reply["result"]["events"]) == (2, 1)
        unknown = json.dumps({"projection": "nope"}).encode()
        reply = await signed_request(nc, "sample.admin.ReplayProjection", unknown)
        assert reply["error"]["code"] == "not_found"
        assert "counter_totals" in reply["error"]["message"]
    finally:
        await runtime.stop()


async def test_an_unknown_command_is_answered_invalid_naming_the_known_ones(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await send(nc, "Explode", {"command_id": "x", "actor": ACTOR})
    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid"
    assert "'Explode'" in reply["error"]["message"]
    assert "Increment, OpenCounter" in reply["error"]["message"]
    known = await send(
        nc, "OpenCounter", {"command_id": "o1", "actor": ACTOR, "counter_id": "c1", "name": "A"}
    )
    assert known["ok"] is True, "a served command gets exactly its own reply"


async def test_a_reaction_cannot_be_replayed_over_nats(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    class Reaction(CounterTotals):
        side_effects = True

    await provision_consumer(nc)
    runtime = sample_service(nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    runtime.projection(Reaction(registry))
    await runtime.start()
    try:
        request = json.dumps({"projection": "counter_totals"}).encode()
        reply = await signed_request(nc, "sample.admin.ReplayProjection", request)
        assert reply["error"]["code"] == "invalid"
        assert "never replayed" in reply["error"]["message"]
    finally:
        await runtime.stop()


async def replies_to(
    nc: Client, subject: str, body: dict[str, Any], wait: float = 0.5
) -> list[dict[str, Any]]:
    """Every reply one request gets: published with a reply inbox, collected for `wait` seconds
    after the first arrived (`nc.request` would keep only the first)."""
    payload = json.dumps(body).encode()
    headers = session_identity().headers(Actor(id=ACTOR["id"], roles=("system",)), subject, payload)
    got: list[dict[str, Any]] = []
    arrived = asyncio.Event()

    async def record(msg: Msg) -> None:
        got.append(json.loads(msg.data))
        arrived.set()

    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox, cb=record)
    try:
        await nc.publish(subject, payload, reply=inbox, headers=headers)
        await asyncio.wait_for(arrived.wait(), 10)
        await asyncio.sleep(wait)
    finally:
        await sub.unsubscribe()
    return got


@pytest.mark.parametrize(
    ("subject", "code", "known"),
    [
        (
            "sample.commands.Explode",
            "invalid",
            "unknown command 'Explode' for sample; known: Increment, OpenCounter",
        ),
        ("sample.queries.Nothing", "invalid", "unknown query 'Nothing' for sample; known: "),
        ("sample.admin.Nothing", "invalid", "unknown admin request 'Nothing' for sample; known: "),
        ("sample.queries.Health", None, None),
        ("sample.commands.OpenCounter", None, None),
    ],
)
async def test_each_request_is_answered_exactly_once(
    service: ServiceRuntime, nc: Client, subject: str, code: str | None, known: str | None
) -> None:
    """Decision 0010: one queue subscription per kind dispatches by name, unknown names included,
    so a request reaches one subscription and gets one reply (services need `allow_responses`
    `max: 1`); an unknown name is answered `invalid` naming the served ones."""
    body = {"command_id": "o1", "actor": ACTOR, "counter_id": "c1", "name": "A"}
    got = await replies_to(nc, subject, body if subject.endswith("OpenCounter") else {})
    assert len(got) == 1, got
    if code is None:
        assert got[0]["ok"] is True, got
    else:
        assert got[0]["error"]["code"] == code
        assert got[0]["error"]["message"].startswith(known or "")
        assert got[0]["error"]["details"][0]["field"] == "(subject)"


async def test_the_service_subscribes_once_per_kind(service: ServiceRuntime) -> None:
    """Not one subscription per subject plus a catch-all: `<svc>.commands.*`, `.queries.*`,
    `.admin.*`, each in its own queue group (decision 0010)."""
    subjects = sorted(sub.subject for sub in service.nc._subs.values() if sub.subject.startswith("sample."))
    assert subjects == ["sample.admin.*", "sample.commands.*", "sample.queries.*"]


async def test_handler_concurrency_bounds_requests_across_the_dispatching_subscription(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    """`handler_concurrency` still bounds the requests running at once (now one semaphore behind
    the per-kind subscriptions): with 1, two slow requests run one after the other."""
    runtime = sample_service(
        nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", handler_concurrency=1
    )
    running: list[int] = []
    peak = 0
    original = runtime.endpoint("sample.queries.Health")

    async def slow(request: Any) -> Any:
        nonlocal peak
        running.append(1)
        peak = max(peak, len(running))
        await asyncio.sleep(0.2)
        running.pop()
        return await original(request)

    runtime._endpoints = [
        (s, q, slow if s == "sample.queries.Health" else r) for s, q, r in runtime._endpoints
    ]
    await runtime.start()
    try:
        first, second = await asyncio.gather(
            nc.request("sample.queries.Health", b"{}", timeout=10),
            nc.request("sample.queries.Health", b"{}", timeout=10),
        )
        assert json.loads(first.data)["ok"] is True
        assert json.loads(second.data)["ok"] is True
    finally:
        await runtime.stop()
    assert peak == 1
