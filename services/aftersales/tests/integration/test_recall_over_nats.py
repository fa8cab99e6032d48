"""A whole-order refund without return and fulfilment's recall, over NATS against a real
nats-server (SM-RET, SM-SHIP, AS-3): the recall published on the fulfilment stream holds
IssueRefund (`rule_violated` SM-RET), and its decline turns the case to the return path, visible
in GetRefundCase."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.fulfilment import ShipmentRecallDeclined, ShipmentRecallRequested

from .helpers import BUYER, NOW, SUPERVISOR, caught_up, command, publish_foreign, query, start_aftersales
from .test_refunds_over_nats import body, ok, order_known

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_aftersales(nats_server.url, nc, tmp_path / "aftersales.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


async def test_a_declined_recall_holds_the_refund_and_turns_the_case_to_a_return(
    service: ServiceRuntime, nc: Client
) -> None:
    """SM-SHIP recall → SM-RET: no refund while the recall is open; declined → AwaitingReturnShipment."""
    await order_known(nc, service, "o-7", delivered=False)
    request: dict[str, Any] = body(
        "RequestRefund", BUYER, order_id="o-7", reason="changed_mind", goods_received=False
    )
    await ok(nc, "RequestRefund", request)
    await ok(nc, "ApproveRefundRequest", body("ApproveRefundRequest", SUPERVISOR))
    recall = ShipmentRecallRequested(
        shipment_id="s-o-7",
        order_id="o-7",
        reason="refund",
        case_id="case-1",
        held_in="Dispatched",
        reported_to=("warehouse_keeper",),
        requested_at=NOW - timedelta(minutes=5),
    )
    await publish_foreign(nc, "fulfilment", "Shipment", "s-o-7", recall, "recall-o-7")
    await caught_up(service)

    refused = await command(nc, "IssueRefund", body("IssueRefund", SUPERVISOR, platform_ref="TB-7"))
    assert (refused["error"]["code"], refused["error"]["rule"]) == ("rule_violated", "SM-RET")
    assert "recall" in refused["error"]["message"]

    declined = ShipmentRecallDeclined(
        shipment_id="s-o-7",
        order_id="o-7",
        keeper="wk-1",
        reason="already with the courier",
        recall_reason="refund",
        case_id="case-1",
        reported_to=("ops_director",),
        declined_at=NOW,
    )
    await publish_foreign(nc, "fulfilment", "Shipment", "s-o-7", declined, "declined-o-7")
    await publish_foreign(nc, "fulfilment", "Shipment", "s-o-7", declined, "declined-o-7")
    await caught_up(service)

    case = await query(nc, "GetRefundCase", {"case_id": "case-1"})
    assert case["status"] == "AwaitingReturnShipment"
    assert case["goods_shipped_after_refund_at"] is None
    types = [e["event_type"] for e in case["history"]]
    assert types.count("RefundCaseTurnedToReturn") == 1
    assert "RefundIssued" not in types
    await ok(nc, "RecordReturnDispatch", body("RecordReturnDispatch", BUYER, waybill_no="RB-7"))
