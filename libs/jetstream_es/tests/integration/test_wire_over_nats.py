"""The wire contract of decision 0005 against a real nats-server: a reused command id with another
payload is a conflict also after a restart, a history this code cannot read is refused permanently,
a value of the wrong JSON type is `invalid` at its path, and a reply larger than the server's max
payload is still answered (`too_large`, with the size, the limit and how to page)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client
from pydantic import Field

from jetstream_es.service.runtime import ServiceRuntime
from jetstream_es.testing.contract import envelope
from jetstream_es.testing.harness import request as signed_request
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.headers import Header
from shop_contracts.messages import Query

from .helpers import sample_service

pytestmark = pytest.mark.integration
ACTOR = {"id": "clerk-1", "roles": ["system"]}


class Everything(Query):
    """An unpaged list: `rows` rows of 1 kB each."""

    rows: int = Field(ge=0)


async def everything(query: Everything) -> list[str]:
    return ["x" * 1000] * query.rows


def runtime(url: str, db: Path) -> ServiceRuntime:
    service = sample_service(url, f"sqlite+aiosqlite:///{db}")
    service.query(Everything, everything)
    return service


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    started = runtime(nats_server.url, tmp_path / "a.db")
    await started.start()
    yield started
    await started.stop()


async def request(nc: Client, subject: str, body: dict[str, Any]) -> dict[str, Any]:
    return await signed_request(nc, f"sample.{subject}", body)


async def open_counter(nc: Client, counter_id: str = "c1") -> None:
    body = {"command_id": f"open-{counter_id}", "actor": ACTOR, "counter_id": counter_id, "name": "A"}
    assert (await request(nc, "commands.OpenCounter", body))["ok"] is True


async def test_a_reused_command_id_with_another_payload_is_a_conflict_after_a_restart_decision_0005(
    nc: Client, nats_server: NatsServer, tmp_path: Path
) -> None:
    first = {"command_id": "inc-1", "actor": ACTOR, "counter_id": "c1", "by": 2}
    before = runtime(nats_server.url, tmp_path / "a.db")
    await before.start()
    try:
        await open_counter(nc)
        assert (await request(nc, "commands.Increment", first))["ok"] is True
    finally:
        await before.stop()
    after = runtime(nats_server.url, tmp_path / "b.db")
    await after.start()
    try:
        same = await request(nc, "commands.Increment", first)
        other = await request(nc, "commands.Increment", {**first, "by": 3})
    finally:
        await after.stop()

    assert same["ok"] is True
    assert other["ok"] is False
    assert other["error"]["code"] == "conflict"
    assert "another command" in other["error"]["message"]


async def test_a_history_this_code_cannot_read_is_refused_permanently_over_nats_decision_0005(
    service: ServiceRuntime, nc: Client
) -> None:
    await open_counter(nc, "c9")
    unknown = envelope("c9", 2, "from-a-newer-release").model_copy(update={"event_type": "CounterRenamed"})
    await nc.jetstream().publish(
        "sample.events.Counter.c9",
        unknown.model_dump_json().encode(),
        headers={Header.EVENT_TYPE: "CounterRenamed", Header.MSG_ID: unknown.event_id},
    )

    reply = await request(
        nc, "commands.Increment", {"command_id": "inc-9", "actor": ACTOR, "counter_id": "c9", "by": 1}
    )

    assert reply["error"]["code"] == "unreadable_history"
    assert "CounterRenamed" in reply["error"]["message"]
    assert "retrying will not help" in reply["error"]["message"]


async def test_a_boolean_for_an_integer_is_invalid_at_its_path_over_nats_decision_0005(
    service: ServiceRuntime, nc: Client
) -> None:
    await open_counter(nc)

    reply = await request(
        nc, "commands.Increment", {"command_id": "inc-1", "actor": ACTOR, "counter_id": "c1", "by": True}
    )

    assert reply["error"]["code"] == "invalid"
    assert [d["field"] for d in reply["error"]["details"]] == ["by"]


async def test_a_reply_larger_than_the_max_payload_is_answered_too_large_decision_0005(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await request(nc, "queries.Everything", {"rows": 1500})

    assert reply["ok"] is False
    assert reply["error"]["code"] == "too_large"
    detail = reply["error"]["details"][0]
    assert detail["size"] > detail["limit"] == nc.max_payload
    assert str(detail["limit"]) in reply["error"]["message"]
    assert "page" in reply["error"]["message"]


async def test_a_reply_within_the_max_payload_is_sent_as_it_is(service: ServiceRuntime, nc: Client) -> None:
    reply = await request(nc, "queries.Everything", {"rows": 500})

    assert reply["ok"] is True
    assert len(reply["result"]) == 500
