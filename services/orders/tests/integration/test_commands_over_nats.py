"""Orders commands over NATS request/reply against a real nats-server (SM-ORD; ORD-5, ORD-7,
ORD-12; CAT-7): the reply schema, invalid payloads with field paths, roles, a recorded amendment
rejection, and concurrent confirmations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import caught_up, publish_event, request
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.catalog import DelistReason, ProductDelisted

from .helpers import (
    ACCOUNT,
    AFTERSALES,
    BACKOFFICE,
    NOW,
    PLATFORM,
    command,
    confirmed_order,
    order_events,
    place_body,
    start_orders,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_orders(nats_server.url, nc, tmp_path / "orders.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


async def stored(nc: Client) -> int:
    return int((await nc.jetstream().stream_info("ORDERS")).state.messages)


async def test_placing_an_order_replies_with_the_version_and_event_id(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await command(nc, "PlaceOrder", place_body())
    assert reply["ok"] is True
    assert (reply["aggregate_id"], reply["version"], len(reply["events"])) == ("o-1", 1, 1)


async def test_an_order_goes_from_placed_to_confirmed_over_nats(service: ServiceRuntime, nc: Client) -> None:
    await confirmed_order(nc)
    assert await order_events(nc, "o-1") == [
        "OrderPlaced",
        "OrderPaid",
        "CustomerContacted",
        "OrderConfirmed",
    ]


def bad(**changes: Any) -> dict[str, Any]:
    body = place_body()
    for key, value in changes.items():
        if value is None:
            del body[key]
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "(body)"),
        (bad(lines=None), "lines"),
        (bad(shipping=None), "shipping"),
        (bad(lines=[{"sku": "A", "quantity": -1, "unit_price": "1.00"}]), "lines.0.quantity"),
        (bad(lines=[{"sku": "A", "quantity": 1, "unit_price": "-5"}]), "lines.0.unit_price"),
        (bad(lines=[{"sku": "A", "quantity": "many", "unit_price": "1.00"}]), "lines.0.quantity"),
        (bad(lines=[]), "lines"),
        (bad(order_id="o.1"), "order_id"),
        (bad(actor={"roles": ["platform"]}), "actor.id"),
        (bad(shipping={"recipient": "x", "phone": 1, "address": "y"}), "shipping.phone"),
        (bad(extra_field=1), "extra_field"),
    ],
)
async def test_an_invalid_payload_is_invalid_with_the_field_path_and_appends_nothing(
    service: ServiceRuntime, nc: Client, body: dict[str, Any] | bytes, field: str
) -> None:
    reply = await command(nc, "PlaceOrder", body)
    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid"
    assert field in [d["field"] for d in reply["error"]["details"]]
    assert await stored(nc) == 0


async def test_an_unknown_command_is_answered_invalid(service: ServiceRuntime, nc: Client) -> None:
    reply = await command(nc, "DeleteOrder", {"command_id": "x", "actor": PLATFORM, "order_id": "o-1"})
    assert reply["ok"] is False
    assert reply["error"]["code"] == "invalid"
    assert "DeleteOrder" in reply["error"]["message"]
    assert await stored(nc) == 0


async def test_a_wrong_role_is_forbidden_with_the_rule(service: ServiceRuntime, nc: Client) -> None:
    await command(nc, "PlaceOrder", place_body())
    reply = await command(nc, "MarkOrderViewed", {"command_id": "v1", "actor": AFTERSALES, "order_id": "o-1"})
    assert reply["error"]["code"] == "forbidden"
    assert reply["error"]["rule"] == "ORD-1"
    assert await stored(nc) == 1


async def test_a_payment_to_a_private_account_is_refused_ord_12(service: ServiceRuntime, nc: Client) -> None:
    await command(nc, "PlaceOrder", place_body())
    body = {
        "command_id": "p1",
        "actor": PLATFORM,
        "order_id": "o-1",
        "amount": "3020.00",
        "payee_account": "PRIVATE-9",
        "payment_ref": "x",
    }
    reply = await command(nc, "RecordPayment", body)
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("rule_violated", "ORD-12")
    assert await order_events(nc, "o-1") == ["OrderPlaced"]
    ok = await command(nc, "RecordPayment", body | {"command_id": "p2", "payee_account": ACCOUNT})
    assert ok["ok"] is True


async def test_a_refused_amendment_is_answered_ord_5_and_recorded(
    service: ServiceRuntime, nc: Client
) -> None:
    await confirmed_order(nc)
    body = {
        "command_id": "fix-1",
        "actor": AFTERSALES,
        "order_id": "o-1",
        "reason": "buyer moved",
        "changes": {"address": "elsewhere"},
    }
    first, again = (
        await command(nc, "CorrectOrderDetails", body),
        await command(nc, "CorrectOrderDetails", body),
    )
    assert first == again
    assert (first["error"]["code"], first["error"]["rule"]) == ("rule_violated", "ORD-5")
    assert (await order_events(nc, "o-1"))[-1] == "OrderAmendmentRejected"
    assert (await order_events(nc, "o-1")).count("OrderAmendmentRejected") == 1


async def test_a_correction_before_confirmation_is_recorded_ord_6(
    service: ServiceRuntime, nc: Client
) -> None:
    await command(nc, "PlaceOrder", place_body())
    body = {
        "command_id": "fix-1",
        "actor": AFTERSALES,
        "order_id": "o-1",
        "reason": "buyer left a message",
        "changes": {"phone": "13900000000", "lines": [{"line": 1, "size": "XL"}]},
    }
    reply = await command(nc, "CorrectOrderDetails", body)
    assert reply["ok"] is True
    assert await order_events(nc, "o-1") == ["OrderPlaced", "OrderDetailsCorrected"]


async def test_concurrent_confirmations_from_two_instances_confirm_once(
    nats_server: NatsServer, service: ServiceRuntime, nc: Client, tmp_path: Path
) -> None:
    # a replica shares the service's database: the instance whose projection is active keeps the
    # catalogue's products both read (CAT-7)
    other = await start_orders(nats_server.url, nc, tmp_path / "orders.db", FixedClock(NOW))
    try:
        placed = await command(nc, "PlaceOrder", place_body())
        assert placed["ok"], placed
        pay = {"actor": PLATFORM, "amount": "3020.00", "payee_account": ACCOUNT, "payment_ref": "a"}
        await command(nc, "RecordPayment", {"command_id": "pay", "order_id": "o-1", **pay})
        contact = {"actor": BACKOFFICE, "details_verified": True}
        await command(nc, "RecordCustomerContact", {"command_id": "c", "order_id": "o-1", **contact})
        bodies = [{"command_id": f"confirm-{n}", "actor": BACKOFFICE, "order_id": "o-1"} for n in range(12)]
        replies = await asyncio.gather(*(command(nc, "ConfirmOrder", b) for b in bodies))
        assert sum(r["ok"] for r in replies) == 1
        assert {r["error"]["code"] for r in replies if not r["ok"]} == {"rule_violated"}
        assert (await order_events(nc, "o-1")).count("OrderConfirmed") == 1
    finally:
        await other.stop()


async def test_only_the_proven_platform_places_orders_and_order_staff_read_them_sm_ord_decision_0009(
    service: ServiceRuntime, nc: Client
) -> None:
    """Issue 17: a client cannot place an order as the platform by naming it in the body, and an
    order (the buyer's address and phone) is read by order staff only (ORD-7)."""
    sales = {"id": "sales-1", "roles": ["sales_staff"]}
    claimed = await request(nc, "orders.commands.PlaceOrder", place_body(), actor=sales)
    assert claimed["error"]["details"] == [{"reason": "body_actor_mismatch"}], claimed
    own = {k: v for k, v in place_body().items() if k != "actor"}
    refused = await request(nc, "orders.commands.PlaceOrder", own, actor=sales)
    assert (refused["error"]["code"], refused["error"]["rule"]) == ("forbidden", "SM-ORD")
    assert await stored(nc) == 0
    assert (await request(nc, "orders.commands.PlaceOrder", own, actor=PLATFORM))["ok"]
    await caught_up(service)
    keeper = {"id": "wk-1", "roles": ["warehouse_keeper"]}
    read = await request(nc, "orders.queries.GetOrder", {"order_id": "o-1"}, actor=keeper)
    assert (read["error"]["code"], read["error"]["rule"]) == ("forbidden", "ORD-7")
    assert (await request(nc, "orders.queries.GetOrder", {"order_id": "o-1"}, actor=BACKOFFICE))["ok"]


async def test_a_product_the_catalogue_delisted_is_refused_over_nats_cat_7(
    service: ServiceRuntime, nc: Client
) -> None:
    delisting = ProductDelisted(sku="TV-55", reason=DelistReason.SLOW_MOVING, at=NOW)
    await publish_event(nc, "catalog", "Product", "TV-55", delisting, "delist-tv", occurred_at=NOW, version=2)
    await caught_up(service)
    reply = await command(nc, "PlaceOrder", place_body())
    assert reply["ok"] is False
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("rule_violated", "CAT-7")
    assert "line 0: sku TV-55 is delisted" in reply["error"]["message"]
    assert await stored(nc) == 0


async def test_an_order_records_the_listed_price_of_each_line_over_nats_cat_7(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await command(nc, "PlaceOrder", place_body()))["ok"]
    [placed] = await JetStreamEventStore(nc, "orders").read("Order", "o-1")
    assert [line["listed_price"] for line in placed.envelope.data["lines"]] == ["2999.00", "10.50"]
