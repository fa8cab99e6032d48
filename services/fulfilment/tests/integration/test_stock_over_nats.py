"""The stock ledger over real NATS request/reply and JetStream (FUL-12..FUL-24): inbound, the
reservation of queued shipments FIFO by lot with StockReserved / StockShortage, issue on the stamp,
restock on after-sales' confirmed receipt, ledger closes and the monthly report; redelivered events
change nothing, and two processes reserving one sku at once never oversell."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.aio.client import Client

from fulfilment.bootstrap import FulfilmentSettings, build
from fulfilment.stock.application.reactions import ShippingStockReactions, StockReactions
from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.refund_case import ReturnReceiptConfirmed

from .stock_helpers import (
    KEEPER,
    NOW,
    TODAY,
    caught_up,
    command,
    events_of,
    eventually,
    levels,
    publish,
    query,
    queued,
    receive_body,
    request,
    stamped,
    start_fulfilment,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_fulfilment(nats_server.url, nc, tmp_path / "fulfilment.db", FixedClock(NOW))
    yield runtime
    await runtime.stop()


async def test_ful12_inbound_over_nats_is_answered_and_shown_in_stock_levels(
    service: ServiceRuntime, nc: Client
) -> None:
    reply = await command(nc, "ReceiveInbound", receive_body("L1", 4, note_quantity=5))
    assert reply["ok"], reply
    await caught_up(service)
    item = await levels(nc)
    assert (item["on_hand"], item["sellable"]) == (4, 4)
    assert item["lots"][0]["mismatches"] == [{"field": "quantity", "on_note": "5", "found": "4"}]
    assert item["lots"][0]["supplier"] == "Haier"


async def test_a_bad_stock_command_is_answered_invalid_forbidden_or_rule_violated(
    service: ServiceRuntime, nc: Client
) -> None:
    invalid = await command(nc, "ReceiveInbound", {**receive_body("L1", 4), "label": {}})
    assert invalid["error"]["code"] == "invalid"
    forbidden = await command(
        nc, "ReceiveInbound", {**receive_body("L1", 4), "actor": {"id": "x", "roles": []}}
    )
    assert (forbidden["error"]["code"], forbidden["error"]["rule"]) == ("forbidden", "FUL-12")
    special = await command(nc, "ReceiveInbound", {**receive_body("L1", 4), "special": True})
    assert (special["error"]["code"], special["error"]["rule"]) == ("rule_violated", "FUL-17")


async def test_ful20_a_queued_shipment_is_reserved_fifo_then_issued_on_the_stamp_once(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await command(nc, "ReceiveInbound", receive_body("L1", 2)))["ok"]
    assert (await command(nc, "ReceiveInbound", receive_body("L2", 5)))["ok"]
    await publish(nc, "fulfilment", "Shipment", "s-1", queued("s-1", "o-1", 3), "q-1")
    await publish(nc, "fulfilment", "Shipment", "s-1", queued("s-1", "o-1", 3), "q-1")  # redelivered
    await eventually(lambda: events_of(nc, "StockAllocation", "s-1"), lambda e: "StockReserved" in e)
    await publish(nc, "fulfilment", "Shipment", "s-1", stamped("s-1", "o-1"), "st-1")
    await eventually(lambda: events_of(nc, "StockItem", "TV-55"), lambda e: "StockIssued" in e)
    await caught_up(service)
    item = await levels(nc)
    assert (item["on_hand"], item["reserved"]) == (4, 0)
    assert [(lot["lot_no"], lot["on_hand"]) for lot in item["lots"]] == [("L1", 0), ("L2", 4)]
    assert (await events_of(nc, "StockItem", "TV-55")).count("SkuStockReserved") == 1


async def test_a_shortage_is_signalled_and_a_later_inbound_reserves_the_waiting_shipment(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish(nc, "fulfilment", "Shipment", "s-2", queued("s-2", "o-2", 2), "q-2")
    await eventually(lambda: events_of(nc, "StockAllocation", "s-2"), lambda e: "StockShortage" in e)
    assert (await command(nc, "ReceiveInbound", receive_body("L1", 2)))["ok"]
    events = await eventually(lambda: events_of(nc, "StockAllocation", "s-2"), lambda e: "StockReserved" in e)
    assert events[-1] == "StockReserved"


async def test_confirmed_return_receipt_restocks_the_issued_goods(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await command(nc, "ReceiveInbound", receive_body("L1", 2)))["ok"]
    await publish(nc, "fulfilment", "Shipment", "s-3", queued("s-3", "o-3", 1), "q-3")
    await eventually(lambda: events_of(nc, "StockAllocation", "s-3"), lambda e: "StockReserved" in e)
    await publish(nc, "fulfilment", "Shipment", "s-3", stamped("s-3", "o-3"), "st-3")
    await eventually(lambda: events_of(nc, "OrderStock", "o-3"), lambda e: "OrderGoodsIssued" in e)
    receipt = ReturnReceiptConfirmed(case_id="case-3", order_id="o-3", confirmed_by="as-1", confirmed_at=NOW)
    await publish(nc, "aftersales", "RefundCase", "case-3", receipt, "rc-3")
    await eventually(lambda: events_of(nc, "StockItem", "TV-55"), lambda e: "ReturnedGoodsRestocked" in e)
    await caught_up(service)
    item = await levels(nc)
    assert (item["on_hand"], item["lots"][-1]["lot_no"], item["lots"][-1]["kind"]) == (
        2,
        "R-case-3",
        "returned",
    )


async def test_ful13_ful14_the_day_is_closed_and_the_month_compiled_over_nats(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (await command(nc, "ReceiveInbound", receive_body("L1", 6)))["ok"]
    close = {"command_id": "close-1", "actor": KEEPER, "day": TODAY}
    assert (await command(nc, "CloseDailyLedger", close))["ok"]
    again = await command(nc, "CloseDailyLedger", {**close, "command_id": "close-2"})
    assert (again["error"]["code"], again["error"]["rule"]) == ("rule_violated", "FUL-13")
    month = {"command_id": "month-1", "actor": KEEPER, "month": "2026-03"}
    assert (await command(nc, "CompileMonthlyInventoryReport", month))["ok"]
    await caught_up(service)
    report = await query(nc, "MonthlyInventoryReport", {"month": "2026-03"})
    assert report["compiled"]
    assert report["lines"] == [
        {"sku": "TV-55", "opening": 0, "inbound": 6, "outbound": 0, "closing": 6, "reconciled": True}
    ]
    assert (report["unreconciled"], report["unclosed_days"]) == ([], [])


async def test_two_processes_reserving_one_sku_at_once_never_oversell(
    service: ServiceRuntime, nc: Client, nc2: Client
) -> None:
    assert (await command(nc, "ReceiveInbound", receive_body("L1", 3, sku="MUG")))["ok"]
    stores = [JetStreamEventStore(nc, "fulfilment"), JetStreamEventStore(nc2, "fulfilment")]
    processes = [  # the stock ledger of two fulfilment processes, each its own build on its own connection
        _stock_reactions(
            build(
                RuntimeSettings(),
                FulfilmentSettings(database_url="sqlite+aiosqlite:///:memory:"),
                clock=FixedClock(NOW),
                store=store,
            )
        )
        for store in stores
    ]
    try:
        await asyncio.gather(
            *(
                processes[n % 2].queued(
                    queued(f"m-{n}", f"om-{n}", 1, sku="MUG"),
                    Cause(key=f"t/{n}", actor=SYSTEM_ACTOR, correlation_id=f"t{n}", causation_id=f"t/{n}"),
                )
                for n in range(6)
            )
        )
    finally:
        for store in stores:
            await store.close()
    events = await events_of(nc, "StockItem", "MUG")
    assert events.count("SkuStockReserved") == 3
    assert events.count("SkuStockRequested") == 3


def _stock_reactions(runtime: ServiceRuntime) -> StockReactions:
    wired = [p for p, _ in runtime.projections if isinstance(p, ShippingStockReactions)]
    return wired[0].reactions


async def test_a_replayed_stock_read_model_shows_the_same_levels(service: ServiceRuntime, nc: Client) -> None:
    assert (await command(nc, "ReceiveInbound", receive_body("L1", 2)))["ok"]
    await publish(nc, "fulfilment", "Shipment", "s-5", queued("s-5", "o-5", 1), "q-5")
    await eventually(lambda: events_of(nc, "StockAllocation", "s-5"), lambda e: "StockReserved" in e)
    await caught_up(service)
    before = await levels(nc)
    replay = await request(nc, "fulfilment.admin.ReplayProjection", {"projection": "fulfilment_stock_views"})
    assert replay["ok"], replay
    assert await levels(nc) == before
    assert (before["reserved"], before["sellable"]) == (1, 1)


async def test_ful12_inbound_needs_a_proven_keeper_and_stock_is_read_by_staff_decision_0009(
    service: ServiceRuntime, nc: Client
) -> None:
    """Issue 17: naming the keeper in the body under someone else's token appends nothing, and a
    buyer cannot read the warehouse's stock (FUL-13)."""
    clerk = {"id": "clerk-1", "roles": ["order_clerk"]}
    claimed = await request(nc, "fulfilment.commands.ReceiveInbound", receive_body("L9", 2), actor=clerk)
    assert claimed["error"]["details"] == [{"reason": "body_actor_mismatch"}], claimed
    unsigned = await request(nc, "fulfilment.commands.ReceiveInbound", receive_body("L9", 2), signed=False)
    assert unsigned["error"]["details"] == [{"reason": "missing_token"}], unsigned
    assert await events_of(nc, "StockItem", "TV-55") == []
    buyer = {"id": "buyer-9", "roles": ["buyer"]}
    read = await request(nc, "fulfilment.queries.StockLevels", {}, actor=buyer)
    assert (read["error"]["code"], read["error"]["rule"]) == ("forbidden", "FUL-13")
    assert (await request(nc, "fulfilment.queries.StockLevels", {}, actor=clerk))["ok"]
