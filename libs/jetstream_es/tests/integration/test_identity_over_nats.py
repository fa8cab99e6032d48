"""Every request's actor is verified by the runtime, against a real nats-server (decision 0009,
issue 17 deliverable 6): a forged signature, an expired token, a token for another command, a body
actor that differs from the token, a program key asserting roles it may not, a missing token, an
admin endpoint without `operator`: each `forbidden` with its reason, and nothing appended."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.identity import Issuer, SigningKey, write_trust
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import IdentitySettingError
from jetstream_es.testing.harness import request
from jetstream_es.testing.identity import OPERATOR, TestIdentity, session_identity
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.sample import sample_runtime
from shop_contracts.envelope import Actor

from .helpers import provision_consumer

pytestmark = pytest.mark.integration
CLERK = {"id": "clerk-1", "roles": ["system"]}
OPEN = "sample.commands.OpenCounter"


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    await provision_consumer(nc)
    runtime = sample_runtime(nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    await runtime.start()
    yield runtime
    await runtime.stop()


def open_body(counter_id: str = "c1", **extra: Any) -> dict[str, Any]:
    return {"command_id": f"open-{counter_id}", "counter_id": counter_id, "name": "A", **extra}


async def stored(nc: Client, counter_id: str = "c1") -> list[str]:
    store = JetStreamEventStore(nc, "sample")
    try:
        return [e.event_type for e in await store.read("Counter", counter_id)]
    finally:
        await store.close()


def refused_with(reply: dict[str, Any], reason: str) -> None:
    assert reply["ok"] is False, reply
    assert reply["error"]["code"] == "forbidden", reply
    assert reply["error"]["details"] == [{"reason": reason}], reply
    assert reason in reply["error"]["message"]


async def test_a_signed_command_without_body_actor_is_recorded_as_the_tokens_actor(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await request(nc, OPEN, open_body(), actor=CLERK)
    assert reply["ok"], reply
    store = JetStreamEventStore(nc, "sample")
    [event] = await store.read("Counter", "c1")
    await store.close()
    assert event.envelope.actor == Actor(id="clerk-1", roles=("system",))


async def test_a_command_without_token_is_forbidden_and_appends_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    refused_with(await request(nc, OPEN, open_body(actor=CLERK), signed=False), "missing_token")
    assert await stored(nc) == []


async def test_a_forged_signature_is_forbidden_and_appends_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    payload = json.dumps(open_body(actor=CLERK)).encode()
    impostor = SigningKey.generate(session_identity().key.kid, "shop-issuer")  # the trusted kid, another key
    token = Issuer(impostor).mint(Actor.model_validate(CLERK), OPEN, payload)
    refused_with(await request(nc, OPEN, payload, token=token), "bad_signature")
    assert await stored(nc) == []


async def test_an_expired_token_is_forbidden_and_appends_nothing(
    service: ServiceRuntime, nc: Client, shop_identity: TestIdentity
) -> None:
    payload = json.dumps(open_body(actor=CLERK)).encode()
    old = shop_identity.issuer(now=lambda: 1_000_000.0).mint(Actor.model_validate(CLERK), OPEN, payload)
    refused_with(await request(nc, OPEN, payload, token=old), "expired")
    assert await stored(nc) == []


async def test_a_token_for_another_command_is_forbidden_and_appends_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    first = json.dumps(open_body("c1", actor=CLERK)).encode()
    token = session_identity().token(Actor.model_validate(CLERK), OPEN, first)
    other = json.dumps(open_body("c2", actor=CLERK)).encode()  # another command id and counter
    refused_with(await request(nc, OPEN, other, token=token), "wrong_request")
    increment = "sample.commands.Increment"  # the same body on another subject
    refused_with(await request(nc, increment, first, token=token), "wrong_request")
    assert await stored(nc, "c1") == []
    assert await stored(nc, "c2") == []


async def test_a_body_actor_differing_from_the_token_is_forbidden_and_appends_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    boss = {"id": "boss-1", "roles": ["system", "dept_supervisor"]}
    reply = await request(nc, OPEN, open_body(actor=boss), actor=CLERK)
    refused_with(reply, "body_actor_mismatch")
    assert await stored(nc) == []


async def test_a_program_key_asserting_roles_it_is_not_trusted_with_is_forbidden(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    demo = SigningKey.generate("demo-1", "shop-demo")
    trust = tmp_path / "trust.json"
    write_trust(
        trust, [session_identity().key.trusted(), demo.trusted(actors=["shop-demo"], roles=["system"])]
    )
    runtime = sample_runtime(
        nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", totals=False, identity_trust=trust
    )
    await runtime.start()
    try:
        payload = json.dumps(open_body()).encode()
        supervisor = Actor(id="shop-demo", roles=("system", "dept_supervisor"))
        refused_with(
            await request(nc, OPEN, payload, token=Issuer(demo).mint(supervisor, OPEN, payload)),
            "role_not_allowed",
        )
        someone = Actor(id="boss-1", roles=("system",))
        refused_with(
            await request(nc, OPEN, payload, token=Issuer(demo).mint(someone, OPEN, payload)),
            "actor_not_allowed",
        )
        assert await stored(nc) == []
        itself = Actor(id="shop-demo", roles=("system",))
        assert (await request(nc, OPEN, payload, token=Issuer(demo).mint(itself, OPEN, payload)))["ok"]
    finally:
        await runtime.stop()


async def test_an_admin_endpoint_needs_the_operator_role(service: ServiceRuntime, nc: Client) -> None:
    subject = "sample.admin.PauseProjection"
    body = {"projection": "counter_totals"}
    reply = await request(nc, subject, body, actor={"id": "clerk-1", "roles": ["system"]})
    assert reply["error"]["code"] == "forbidden", reply
    assert reply["error"]["details"] == [{"reason": "read_role_required", "roles": ["operator"]}]
    assert not service.runner("counter_totals").paused
    refused_with(await request(nc, subject, body, signed=False), "missing_token")
    assert (await request(nc, subject, body, actor=OPERATOR))["ok"]
    assert service.runner("counter_totals").paused


async def test_health_needs_no_token(service: ServiceRuntime, nc: Client) -> None:
    reply = await request(nc, "sample.queries.Health", {}, signed=False)
    assert reply["ok"]
    assert reply["result"]["service"] == "sample"


async def test_a_service_with_verification_on_and_no_trust_file_does_not_start(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    runtime = sample_runtime(
        nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", totals=False, identity_trust=None
    )
    with pytest.raises(IdentitySettingError, match="SHOP_IDENTITY_TRUST"):
        await runtime.start()
    await runtime.stop()
