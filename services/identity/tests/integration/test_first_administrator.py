"""IDN-7: the first administrator is granted by the program `shop-setup`, whose own key the trust
file limits to the actor `shop-setup` with the role `identity_admin` (issue 17, decision 0009):
its token grants `identity_admin` to a person; the same key asserting anyone else, or any other
role, is forbidden and appends nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from identity.bootstrap import IdentitySettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.identity import Issuer, SigningKey, write_trust
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.envelope import Actor
from shop_contracts.subjects import command_subject

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SETUP_KEY = SigningKey.generate("shop-setup-1", "shop-setup")


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    trust = tmp_path / "trust.json"
    write_trust(trust, [SETUP_KEY.trusted(actors=("shop-setup",), roles=("identity_admin",))])
    runtime = build(
        RuntimeSettings(
            nats_url=nats_server.url, connect_timeout=2, identity_trust=trust, identity_verify=True
        ),
        IdentitySettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}"),
        clock=FixedClock(NOW),
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))
    await runtime.start()
    yield runtime
    await runtime.stop()


async def grant_as(nc: Client, actor: Actor, person: str, role: str) -> dict[str, Any]:
    subject = command_subject("identity", "GrantRole")
    body = {
        "command_id": f"g-{actor.id}-{person}-{role}",
        "person_id": person,
        "role": role,
        "reason": "setup",
    }
    payload = json.dumps(body).encode()
    token = Issuer(SETUP_KEY).mint(actor, subject, payload)
    return await request(nc, subject, payload, token=token)


async def types(nc: Client, person: str) -> list[str]:
    store = JetStreamEventStore(nc, "identity")
    try:
        return [e.event_type for e in await store.read("RoleHolder", person)]
    finally:
        await store.close()


async def test_idn7_the_shop_setup_key_grants_the_first_administrator(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await grant_as(nc, Actor(id="shop-setup", roles=("identity_admin",)), "e-1001", "identity_admin")
    assert reply["ok"], reply
    assert await types(nc, "e-1001") == ["RoleGranted"]


async def test_idn7_the_shop_setup_key_cannot_speak_for_a_person_or_another_role(
    service: ServiceRuntime, nc: Client
) -> None:
    as_person = await grant_as(nc, Actor(id="e-1001", roles=("identity_admin",)), "e-2", "sales_staff")
    other_role = await grant_as(nc, Actor(id="shop-setup", roles=("hr_dept",)), "e-3", "office")
    for reply in (as_person, other_role):
        assert reply["error"]["code"] == "forbidden", reply
    assert await types(nc, "e-2") == []
    assert await types(nc, "e-3") == []
