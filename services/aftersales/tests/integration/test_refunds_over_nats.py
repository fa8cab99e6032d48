"""Refund cases over NATS request/reply against a real nats-server (SM-RET; AS-1..AS-9, AS-11):
facts from orders and fulfilment streams, both branches end to end, the queries, roles, invalid
payloads and unknown commands, and redelivered foreign events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.fulfilment import ReturnParcelReceived, ShipmentDelivered, ShipmentStamped
from shop_contracts.events.orders import OrderLine, OrderPaid, OrderPlaced, ShippingAddress

from .helpers import (
    BUYER,
    CLERK,
    CS,
    NOW,
    SUPERVISOR,
    caught_up,
    command,
    eventually,
    publish_foreign,
    query,
    start_aftersales,
)

pytestmark = pytest.mark.integration
AMOUNT = Decimal("3020.00")


def placed(order_id: str) -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        lines=(OrderLine(sku="TV-55", quantity=1, unit_price=AMOUNT),),
        amount=AMOUNT,
        buyer_id="buyer-9",
        shipping=ShippingAddress(recipient="Li Lei", phone="13800000000", address="1 Nanjing Rd"),
        channel="tmall",
        sales_owner="sales-1",
        placed_at=NOW - timedelta(days=5),
    )


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_aftersales(nats_server.url, nc, tmp_path / "aftersales.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


def paid(order_id: str) -> OrderPaid:
    return OrderPaid(
        order_id=order_id,
        amount=AMOUNT,
        payee_account="CN-ICBC-0001",
        payment_ref=f"alipay-{order_id}",
        paid_at=NOW - timedelta(days=5),
    )


async def order_known(
    nc: Client, runtime: ServiceRuntime, order_id: str, delivered: bool, *, was_paid: bool = True
) -> None:
    await publish_foreign(nc, "orders", "Order", order_id, placed(order_id), f"placed-{order_id}")
    if was_paid:
        await publish_foreign(nc, "orders", "Order", order_id, paid(order_id), f"paid-{order_id}")
    if delivered:
        stamped = ShipmentStamped(
            shipment_id=f"s-{order_id}",
            order_id=order_id,
            outbound_note_no="ON-1",
            waybill_no="WB-1",
            keeper="wk-1",
            stamped_at=NOW - timedelta(days=4),
        )
        delivery = ShipmentDelivered(
            shipment_id=f"s-{order_id}", order_id=order_id, delivered_at=NOW - timedelta(days=2)
        )
        for n, data in enumerate((stamped, delivery)):
            await publish_foreign(nc, "fulfilment", "Shipment", f"s-{order_id}", data, f"f-{order_id}-{n}")
    await caught_up(runtime)


def body(name: str, actor: dict[str, Any], case_id: str = "case-1", **fields: Any) -> dict[str, Any]:
    return {"command_id": f"{name}-{case_id}", "actor": actor, "case_id": case_id, **fields}


async def ok(nc: Client, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    reply = await command(nc, name, payload)
    assert reply["ok"], reply
    return reply


async def test_a_returned_item_is_refunded_end_to_end_and_ledgered(
    service: ServiceRuntime, nc: Client
) -> None:
    await order_known(nc, service, "o-1", delivered=True)
    await ok(
        nc,
        "RequestRefund",
        body("RequestRefund", BUYER, order_id="o-1", reason="quality", goods_received=True),
    )
    await ok(nc, "ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR))
    await ok(nc, "RecordReturnDispatch", body("RecordReturnDispatch", BUYER, waybill_no="RB-1"))
    parcel = ReturnParcelReceived(case_id="case-1", waybill_no="RB-1", received_at=NOW)
    await publish_foreign(nc, "fulfilment", "Shipment", "s-o-1", parcel, "parcel-1")
    await publish_foreign(nc, "fulfilment", "Shipment", "s-o-1", parcel, "parcel-1")
    await caught_up(service)
    await ok(nc, "IssueReturnNote", body("IssueReturnNote", CLERK, return_reason="screen flickers"))
    await ok(nc, "InspectReturn", body("InspectReturn", CS, goods_match=True, accessories_present=["remote"]))
    await ok(nc, "ConfirmReturnReceipt", body("ConfirmReturnReceipt", CS))
    await ok(nc, "IssueRefund", body("IssueRefund", SUPERVISOR, platform_ref="TB-REF-1"))
    await caught_up(service)

    case = await query(nc, "GetRefundCase", {"case_id": "case-1"})
    assert (case["status"], case["amount"], case["platform_ref"]) == ("Refunded", "3020.00", "TB-REF-1")
    assert [e["event_type"] for e in case["history"]].count("ReturnParcelArrived") == 1
    listed = await query(nc, "ListRefundCases", {"status": "Refunded"})
    assert [c["case_id"] for c in listed["cases"]] == ["case-1"]
    ledger = await query(nc, "RefundLedger", {"date_from": "2026-03-01", "date_to": "2026-03-03"})
    assert ledger["refunds"][0]["platform_ref"] == "TB-REF-1"
    assert ledger["days"] == [{"day": "2026-03-02", "refunded": "3020.00", "count": 1}]


async def test_goods_not_received_are_refunded_after_approval_and_never_twice(
    service: ServiceRuntime, nc: Client
) -> None:
    await order_known(nc, service, "o-2", delivered=False)
    request = body("RequestRefund", BUYER, order_id="o-2", reason="changed_mind", goods_received=True)
    await ok(nc, "RequestRefund", request)
    await ok(nc, "ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR))
    await ok(nc, "IssueRefund", body("IssueRefund", SUPERVISOR, platform_ref="TB-1"))
    again = await command(
        nc, "IssueRefund", body("IssueRefund", SUPERVISOR, platform_ref="TB-2") | {"command_id": "r2"}
    )
    assert (again["error"]["code"], again["error"]["rule"]) == ("rule_violated", "SM-RET")
    await caught_up(service)
    case = await query(nc, "GetRefundCase", {"case_id": "case-1"})
    assert (case["goods_received"], case["received_basis"]) == (False, "not_shipped")


async def test_the_refund_ledger_answers_one_page_at_a_time_with_every_days_totals_as_9(
    service: ServiceRuntime, nc: Client
) -> None:
    for n in range(3):
        order_id, case_id = f"o-l{n}", f"case-l{n}"
        await order_known(nc, service, order_id, delivered=False)
        await ok(
            nc,
            "RequestRefund",
            body(
                "RequestRefund",
                BUYER,
                case_id,
                order_id=order_id,
                reason="changed_mind",
                goods_received=False,
            ),
        )
        await ok(nc, "ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR, case_id))
        await ok(nc, "IssueRefund", body("IssueRefund", SUPERVISOR, case_id, platform_ref=f"TB-{n}"))
    await caught_up(service)
    window = {"date_from": "2026-03-01", "date_to": "2026-03-03"}
    first = await query(nc, "RefundLedger", window | {"limit": 2})
    rest = await query(nc, "RefundLedger", window | {"limit": 2, "offset": 2})
    assert (first["total"], len(first["refunds"]), len(rest["refunds"])) == (3, 2, 1)
    assert {r["case_id"] for r in first["refunds"] + rest["refunds"]} == {"case-l0", "case-l1", "case-l2"}
    assert first["days"] == rest["days"] == [{"day": "2026-03-02", "refunded": "9060.00", "count": 3}]


async def test_a_wrong_role_is_forbidden_with_the_rule(service: ServiceRuntime, nc: Client) -> None:
    await order_known(nc, service, "o-3", delivered=False)
    await ok(
        nc,
        "RequestRefund",
        body("RequestRefund", BUYER, order_id="o-3", reason="changed_mind", goods_received=False),
    )
    reply = await command(nc, "ApproveRefundRequest", body("ApproveRefundRequest", CS))
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("forbidden", "AS-2")


async def test_a_reason_outside_the_list_is_refused_as_1(service: ServiceRuntime, nc: Client) -> None:
    await order_known(nc, service, "o-4", delivered=False)
    reply = await command(
        nc, "RequestRefund", body("RequestRefund", BUYER, order_id="o-4", reason="whim", goods_received=False)
    )
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("rule_violated", "AS-1")


async def test_a_refund_for_an_order_orders_never_recorded_as_paid_is_refused_sm_ord(
    service: ServiceRuntime, nc: Client
) -> None:
    await order_known(nc, service, "o-5", delivered=False, was_paid=False)
    reply = await command(
        nc,
        "RequestRefund",
        body("RequestRefund", BUYER, order_id="o-5", reason="changed_mind", goods_received=False),
    )
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("rule_violated", "SM-ORD")
    ledger = await query(nc, "RefundLedger", {"date_from": "2026-03-01", "date_to": "2026-03-03"})
    assert ledger["refunds"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"{not json", "(body)"),
        ({"command_id": "x", "actor": BUYER, "order_id": "o-1", "reason": "quality"}, "case_id"),
        (
            {
                "command_id": "x",
                "actor": BUYER,
                "case_id": "c.1",
                "order_id": "o-1",
                "reason": "q",
                "goods_received": True,
            },
            "case_id",
        ),
        (
            {
                "command_id": "x",
                "actor": BUYER,
                "case_id": "c1",
                "order_id": "o-1",
                "reason": "q",
                "goods_received": True,
                "amount": "-1",
            },
            "amount",
        ),
        (
            {
                "command_id": "x",
                "actor": BUYER,
                "case_id": "c1",
                "order_id": "o-1",
                "reason": "",
                "goods_received": True,
            },
            "reason",
        ),
    ],
)
async def test_an_invalid_payload_is_invalid_with_the_field_path(
    service: ServiceRuntime, nc: Client, payload: dict[str, Any] | bytes, field: str
) -> None:
    reply = await command(nc, "RequestRefund", payload)
    assert reply["error"]["code"] == "invalid"
    assert field in [d["field"] for d in reply["error"]["details"]]


async def test_an_unknown_command_is_answered_invalid(service: ServiceRuntime, nc: Client) -> None:
    reply = await command(nc, "RefundEverything", {"command_id": "x", "actor": BUYER})
    assert reply["error"]["code"] == "invalid"


async def test_an_unknown_case_is_not_found(service: ServiceRuntime, nc: Client) -> None:
    reply = await command(nc, "ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR, "nope"))
    assert reply["error"]["code"] == "not_found"
    missing = await command(
        nc,
        "RequestRefund",
        body("RequestRefund", BUYER, order_id="o-none", reason="quality", goods_received=True),
    )
    assert missing["error"]["code"] == "not_found"
    answer = await eventually(
        lambda: command(nc, "ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR, "nope")),
        lambda r: not r["ok"],
    )
    assert answer["error"]["code"] == "not_found"


async def test_only_a_proven_supervisor_approves_a_refund_as_2_decision_0009(
    service: ServiceRuntime, nc: Client
) -> None:
    """Issue 17: approving as a supervisor takes a supervisor's token, not a JSON field."""
    await order_known(nc, service, "o-7", delivered=True)
    await ok(
        nc,
        "RequestRefund",
        body("RequestRefund", BUYER, order_id="o-7", reason="quality", goods_received=True),
    )
    claimed = await request(
        nc, "aftersales.commands.ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR), actor=CS
    )
    assert claimed["error"]["code"] == "forbidden", claimed
    assert claimed["error"]["details"] == [{"reason": "body_actor_mismatch"}]
    approval = body("ApproveRefundRequest", SUPERVISOR)
    del approval["actor"]  # the token's actor only: customer service, not the supervisor
    refused = await request(nc, "aftersales.commands.ApproveRefundRequest", approval, actor=CS)
    assert (refused["error"]["code"], refused["error"]["rule"]) == ("forbidden", "AS-2")
    await caught_up(service)
    case = await request(nc, "aftersales.queries.GetRefundCase", {"case_id": "case-1"}, actor=CS)
    assert case["result"]["status"] == "AwaitingDecision", case
    buyer = await request(nc, "aftersales.queries.GetRefundCase", {"case_id": "case-1"}, actor=BUYER)
    assert buyer["error"]["details"][0]["reason"] == "read_role_required", buyer
    assert (await request(nc, "aftersales.commands.ApproveRefundRequest", approval, actor=SUPERVISOR))["ok"]
