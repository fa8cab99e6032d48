"""The inferior-customer flag confirmed by after-sales (AS-18) shown on the buyer's orders as the
risk tag `inferior_customer` in GetOrder and ListOrders: matched on the order's buyer id, not shown
for a proposal or a rejected flag, unchanged by a redelivered event, kept by a replay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.aftersales import CustomerFlagConfirmed, CustomerFlagProposed, CustomerFlagRejected

from .helpers import NOW, caught_up, command, place_body, publish_foreign, query, request, start_orders

pytestmark = pytest.mark.integration

PROPOSED = CustomerFlagProposed(
    customer_id="buyer-9", reason="bad-faith returns", proposed_by="as-1", proposed_at=NOW
)
CONFIRMED = CustomerFlagConfirmed(
    customer_id="buyer-9",
    reason="bad-faith returns",
    proposed_by="as-1",
    confirmed_by="cs-sup-1",
    note="three cases",
    confirmed_at=NOW,
)
OTHER_PROPOSED = CustomerFlagProposed(
    customer_id="buyer-7", reason="rude", proposed_by="as-1", proposed_at=NOW
)
OTHER_REJECTED = CustomerFlagRejected(
    customer_id="buyer-7", rejected_by="cs-sup-1", note="no", rejected_at=NOW
)
TAGGED = {"o-1": ["inferior_customer"], "o-2": [], "o-3": ["inferior_customer"]}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_orders(nats_server.url, nc, tmp_path / "orders.db", FixedClock(NOW))
    assert (await command(nc, "PlaceOrder", place_body("o-1")))["ok"]
    assert (await command(nc, "PlaceOrder", {**place_body("o-2"), "buyer_id": "buyer-7"}))["ok"]
    yield runtime
    await runtime.stop()


async def tags(nc: Client) -> dict[str, list[str]]:
    page = await query(nc, "ListOrders", {})
    return {o["order_id"]: o["risk_tags"] for o in page["orders"]}


async def flag_buyer_9(runtime: ServiceRuntime, nc: Client) -> None:
    await publish_foreign(nc, "aftersales", "CustomerFlag", PROPOSED, "flag-1", version=1)
    await caught_up(runtime)
    assert (await query(nc, "GetOrder", {"order_id": "o-1"}))["risk_tags"] == []
    await publish_foreign(nc, "aftersales", "CustomerFlag", CONFIRMED, "flag-2", version=2)
    await caught_up(runtime)


async def test_a_confirmed_flag_tags_the_buyers_orders_as_a_risk_as_18(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "aftersales", "CustomerFlag", OTHER_PROPOSED, "flag-7a", version=1)
    await publish_foreign(nc, "aftersales", "CustomerFlag", OTHER_REJECTED, "flag-7b", version=2)
    await flag_buyer_9(service, nc)
    assert (await command(nc, "PlaceOrder", place_body("o-3")))["ok"]
    await caught_up(service)
    order = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert order["risk_tags"] == ["inferior_customer"]
    assert order["risks"] == [
        {
            "tag": "inferior_customer",
            "reason": "bad-faith returns",
            "confirmed_by": "cs-sup-1",
            "confirmed_at": NOW.isoformat(),
        }
    ]
    other = await query(nc, "GetOrder", {"order_id": "o-2"})
    assert (other["risk_tags"], other["risks"]) == ([], [])
    assert await tags(nc) == TAGGED
    assert (await nc.jetstream().stream_info("DLQ")).state.messages == 0


async def test_a_redelivered_flag_event_changes_nothing(service: ServiceRuntime, nc: Client) -> None:
    await flag_buyer_9(service, nc)
    before = await query(nc, "GetOrder", {"order_id": "o-1"})
    await publish_foreign(nc, "aftersales", "CustomerFlag", CONFIRMED, "flag-2", version=2)
    await caught_up(service)
    after = await query(nc, "GetOrder", {"order_id": "o-1"})
    assert (after["risk_tags"], after["risks"]) == (before["risk_tags"], before["risks"])
    assert (await tags(nc))["o-1"] == ["inferior_customer"]


async def test_a_replay_of_the_buyer_risk_projection_keeps_the_tag(
    service: ServiceRuntime, nc: Client
) -> None:
    await flag_buyer_9(service, nc)
    assert (await command(nc, "PlaceOrder", place_body("o-3")))["ok"]
    await caught_up(service)
    body: dict[str, Any] = {"projection": "orders_buyer_risk", "from_seq": 1}
    reply = await request(nc, "orders.admin.ReplayProjection", body)
    assert reply["ok"], reply
    assert reply["result"]["generation"] == 2
    assert (await query(nc, "GetOrder", {"order_id": "o-1"}))["risk_tags"] == ["inferior_customer"]
    assert await tags(nc) == TAGGED
