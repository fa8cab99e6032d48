"""The shipping day end to end over NATS request/reply (SM-SHIP-BATCH, SM-SHIP; FUL-1..FUL-7),
the printable documents (FUL-6 stamp on the outbound note), and a restart in the middle of a
batch: state and numbering continue, nothing is duplicated."""

from __future__ import annotations

import asyncio
import base64
import io
from datetime import timedelta
from pathlib import Path

import pytest
from nats.aio.client import Client
from pypdf import PdfReader

from jetstream_es.clock import FixedClock
from jetstream_es.testing.catalogue import list_products, listed
from jetstream_es.testing.harness import publish_event
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.refund_case import RefundRequestApproved

from .shipping_helpers import (
    CLERK,
    CUTOFF,
    DAY,
    KEEPER,
    MORNING,
    caught_up,
    command,
    day_lists,
    eventually,
    publish_order_facts,
    query,
    shipments_in,
    start_fulfilment,
    stock_in,
    stream_types,
)

pytestmark = pytest.mark.integration
TV_LISTED = listed("TV-55", "2999.00", name="液晶電視 55吋", accessories=("遙控器", "說明書"))


def pdf_text(answer: dict[str, object]) -> str:
    content = base64.b64decode(str(answer["pdf_base64"]))
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


async def test_shipping_day_from_queue_to_closed_report(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(MORNING)
    runtime = await start_fulfilment(nats_server.url, nc, tmp_path / "f.db", clock, tmp_path / "docs")
    try:
        await stock_in(nc, "TV-55", 5)
        await publish_order_facts(nc, "o-1", MORNING)
        await publish_order_facts(nc, "o-2", MORNING)
        queued = await shipments_in(nc, "Queued", 2)
        await eventually(
            lambda: query(nc, "ListShipments", {"batch_date": DAY}),
            lambda r: all(s["stock"] == "reserved" for s in r["shipments"]),
        )
        assert {s["batch_date"] for s in queued} == {DAY}
        await list_products(nc, TV_LISTED)  # the catalogue's accessory list (FUL-4, decision 0011)
        await caught_up(runtime)

        await day_lists(nc, DAY, 2)
        early = await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-0", "actor": CLERK})
        assert early["error"]["rule"] == "FUL-2"
        clock.set(CUTOFF)
        reply = await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-1", "actor": CLERK})
        assert reply["ok"], reply
        await shipments_in(nc, "InPacket", 2)
        day = await query(nc, "GetShippingDay", {"batch_date": DAY})
        assert (day["status"], day["report_no"]) == ("ReportGenerated", "DR00000001")
        docs = {s["order_id"]: s["documents"] for s in day["shipments"]}
        assert docs["o-2"]["invoice_no"] == "FP00000002"

        packet = {
            "actor": CLERK,
            "batch_date": DAY,
            "to_keeper": "keeper-1",
            "report_no": "DR00000001",
            "waybill_nos": ["WB00000001", "WB00000002"],
            "outbound_note_nos": ["CK00000001", "CK00000002"],
            "invoice_nos": ["FP00000001"],
        }
        refused = await command(nc, "HandOverShippingPacket", {"command_id": "hand-0", **packet})
        assert refused["ok"] is False
        assert refused["error"]["rule"] == "FUL-3"
        assert "FP00000002" in refused["error"]["message"]
        packet["invoice_nos"] = ["FP00000001", "FP00000002"]
        assert (await command(nc, "HandOverShippingPacket", {"command_id": "hand-1", **packet}))["ok"]

        for order_id in ("o-1", "o-2"):
            body = {"actor": KEEPER, "shipment_id": order_id}
            checked = await command(
                nc,
                "CheckAccessories",
                {"command_id": f"chk-{order_id}", **body, "present": ["遙控器", "說明書"]},
            )
            assert checked["ok"], checked
            assert (await command(nc, "DispatchShipment", {"command_id": f"dsp-{order_id}", **body}))["ok"]
        stamped = await command(
            nc, "StampOutboundNote", {"command_id": "stp-o-1", "actor": KEEPER, "shipment_id": "o-1"}
        )
        assert stamped["ok"], stamped
        refused_out = await command(
            nc,
            "RefuseOutbound",
            {"command_id": "ref-o-2", "actor": KEEPER, "shipment_id": "o-2", "reason": "x"},
        )
        assert refused_out["error"]["rule"] == "SM-SHIP"  # already dispatched
        stamped2 = await command(
            nc, "StampOutboundNote", {"command_id": "stp-o-2", "actor": KEEPER, "shipment_id": "o-2"}
        )
        assert stamped2["ok"], stamped2
        assert (await stream_types(nc, "Shipment", "o-1"))[-3:] == [
            "AccessoriesChecked",
            "ShipmentDispatched",
            "ShipmentStamped",
        ]

        await shipments_in(nc, "Stamped", 2)
        note = await query(nc, "RenderDocument", {"kind": "outbound_note", "shipment_id": "o-1"})
        text = pdf_text(note)
        assert "出庫單" in text
        assert "CK00000001" in text
        assert "發貨專用章" in text
        assert "液晶電視" in text  # the catalogue's product name next to the SKU (issue 19)
        invoice = pdf_text(await query(nc, "RenderDocument", {"kind": "invoice", "shipment_id": "o-1"}))
        assert "液晶電視" in invoice
        assert "¥2,999.00" in invoice  # the order's unit price reached the invoice (FUL-1)
        assert "價稅合計" in invoice
        report = await query(nc, "RenderDocument", {"kind": "report", "batch_date": DAY, "to_file": True})
        written = Path(report["path"])
        assert (await asyncio.to_thread(written.read_bytes)).startswith(b"%PDF-")
        assert written.parent == (tmp_path / "docs").resolve()

        assert (
            await command(
                nc, "FillDailyShippingReport", {"command_id": "fill-1", "actor": KEEPER, "batch_date": DAY}
            )
        )["ok"]
        submitted = await command(
            nc, "SubmitDailyShippingReport", {"command_id": "sub-1", "actor": KEEPER, "batch_date": DAY}
        )
        assert submitted["ok"], submitted
        await caught_up(runtime)
        day = await eventually(
            lambda: query(nc, "GetShippingDay", {"batch_date": DAY}), lambda d: d["status"] == "Closed"
        )
        assert day["details"]["filled"]["shipped"] == 2
        assert (day["total"], day["counts"]) == (2, {"Stamped": 2})
        history = await query(nc, "ShippingDayHistory", {"batch_date": DAY, "limit": 3, "offset": 4})
        assert history["total"] == 7
        assert [h["event_type"] for h in history["history"]] == [
            "ShippingPacketHandedOver",
            "DailyShippingReportFilled",
            "DailyShippingReportSubmitted",
        ]
        notices = await query(nc, "ListNotices", {"role": "dept_manager"})
        assert [(n["kind"], n["rule"]) for n in notices["notices"]] == [
            ("DailyShippingReportSubmitted", "FUL-7")
        ]
    finally:
        await runtime.stop()


async def test_dispatch_without_outbound_note_is_refused_and_reactions_are_idempotent(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    """FUL-5 over NATS; redelivered orders events queue once; an approved refund for goods not
    received cancels the unstamped shipment (AS-3)."""
    runtime = await start_fulfilment(nats_server.url, nc, tmp_path / "f.db", FixedClock(MORNING))
    try:
        await publish_order_facts(nc, "o-1", MORNING)
        await publish_order_facts(nc, "o-1", MORNING)  # every event delivered a second time
        await shipments_in(nc, "Queued", 1)
        reply = await command(
            nc, "DispatchShipment", {"command_id": "d-1", "actor": KEEPER, "shipment_id": "o-1"}
        )
        assert reply["ok"] is False
        assert (reply["error"]["code"], reply["error"]["rule"]) == ("rule_violated", "FUL-5")
        unknown = await command(
            nc, "DispatchShipment", {"command_id": "d-2", "actor": KEEPER, "shipment_id": "o-9"}
        )
        assert unknown["error"]["code"] == "not_found"

        approved = RefundRequestApproved(
            case_id="c-1", order_id="o-1", approver="sup-1", return_required=False, approved_at=MORNING
        )
        await publish_event(nc, "aftersales", "RefundCase", "c-1", approved, "a-1", occurred_at=MORNING)
        await publish_event(nc, "aftersales", "RefundCase", "c-1", approved, "a-1", occurred_at=MORNING)
        await shipments_in(nc, "Cancelled", 1)
        await caught_up(runtime)
        types = await stream_types(nc, "Shipment", "o-1")
        assert types.count("OrderFactNoted") == 4
        assert types.count("OrderQueuedForShipping") == 1
        assert types.count("ShipmentCancelled") == 1
    finally:
        await runtime.stop()


async def test_restart_in_the_middle_of_a_batch_continues_state_and_numbering(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    db = tmp_path / "f.db"
    clock = FixedClock(MORNING)
    runtime = await start_fulfilment(nats_server.url, nc, db, clock)
    await publish_order_facts(nc, "o-1", MORNING)
    await publish_order_facts(nc, "o-2", MORNING)
    await day_lists(nc, DAY, 2)
    clock.set(CUTOFF)
    first = await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-1", "actor": CLERK})
    assert first["ok"], first
    await runtime.stop()

    restarted = await start_fulfilment(nats_server.url, nc, db, clock)
    try:
        # a message the stopped service had fetched but not acknowledged comes back after the
        # consumer's ack wait (30 s): the batch then continues where it stopped
        in_packet = await shipments_in(nc, "InPacket", 2, within=60)
        assert sorted(s["documents"]["waybill_no"] for s in in_packet) == ["WB00000001", "WB00000002"]
        again = await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-1", "actor": CLERK})
        assert again["ok"]
        assert again["events"] == first["events"]
        other = await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-2", "actor": CLERK})
        assert other["error"]["rule"] == "SM-SHIP-BATCH"

        await publish_order_facts(nc, "o-3", CUTOFF + timedelta(minutes=5))  # tomorrow's batch
        queued = await shipments_in(nc, "Queued", 1)
        assert queued[0]["batch_date"] == "2026-03-03"
        await day_lists(nc, "2026-03-03", 1)
        clock.set(CUTOFF + timedelta(days=1))
        nxt = await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-3", "actor": CLERK})
        assert nxt["ok"], nxt
        await shipments_in(nc, "InPacket", 3)
        o3 = await query(nc, "GetShipment", {"shipment_id": "o-3"})
        assert o3["documents"] == {
            "report_no": "DR00000002",
            "waybill_no": "WB00000003",
            "outbound_note_no": "CK00000003",
            "invoice_no": "FP00000003",
        }
        assert await stream_types(nc, "DocumentRegister", "shipping-documents") == [
            "DocumentNumbersIssued",
            "DocumentNumbersIssued",
        ]
        shipment_types = [t for t in await stream_types(nc, "Shipment", "o-1") if t != "ShipmentStockNoted"]
        assert shipment_types == [
            "OrderFactNoted",
            "OrderFactNoted",
            "OrderFactNoted",
            "OrderFactNoted",
            "OrderQueuedForShipping",
            "ShipmentDocumentsAssigned",
        ]
        assert (await stream_types(nc, "ShippingDay", DAY)).count("ShippingDocumentsPrinted") == 1
    finally:
        await restarted.stop()


async def stock_of(nc: Client, sku: str) -> dict[str, int]:
    (item,) = (await query(nc, "StockLevels", {"sku": sku, "with_lots": False}))["items"]
    return {"on_hand": item["on_hand"], "reserved": item["reserved"]}


async def test_sm_ship_a_refund_for_dispatched_shipments_is_a_recall_the_keeper_answers(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    """SM-SHIP over NATS: an approved refund (goods not received) reaches two dispatched shipments;
    neither is cancelled while the goods may be on the van. Both are held (no stamp), the keeper
    reads the recalls in ListNotices, confirms o-1 back (Cancelled, its stock released) and declines
    o-2 (it left: stamped, its stock issued)."""
    clock = FixedClock(MORNING)
    runtime = await start_fulfilment(nats_server.url, nc, tmp_path / "f.db", clock, tmp_path / "docs")
    try:
        await stock_in(nc, "TV-55", 5)
        for order_id in ("o-1", "o-2"):
            await publish_order_facts(nc, order_id, MORNING)
        await shipments_in(nc, "Queued", 2)
        await eventually(
            lambda: query(nc, "ListShipments", {"batch_date": DAY}),
            lambda r: all(s["stock"] == "reserved" for s in r["shipments"]),
        )
        await list_products(nc, TV_LISTED)  # the catalogue's accessory list (FUL-4, decision 0011)
        await caught_up(runtime)
        await day_lists(nc, DAY, 2)
        clock.set(CUTOFF)
        assert (await command(nc, "GenerateDailyShippingReport", {"command_id": "gen-1", "actor": CLERK}))[
            "ok"
        ]
        await shipments_in(nc, "InPacket", 2)
        packet = {
            "actor": CLERK,
            "batch_date": DAY,
            "to_keeper": "keeper-1",
            "report_no": "DR00000001",
            "waybill_nos": ["WB00000001", "WB00000002"],
            "outbound_note_nos": ["CK00000001", "CK00000002"],
            "invoice_nos": ["FP00000001", "FP00000002"],
        }
        assert (await command(nc, "HandOverShippingPacket", {"command_id": "hand-1", **packet}))["ok"]
        for order_id in ("o-1", "o-2"):
            body = {"actor": KEEPER, "shipment_id": order_id}
            present = {"present": ["遙控器", "說明書"]}
            assert (
                await command(nc, "CheckAccessories", {"command_id": f"chk-{order_id}", **body, **present})
            )["ok"]
            assert (await command(nc, "DispatchShipment", {"command_id": f"dsp-{order_id}", **body}))["ok"]
            approved = RefundRequestApproved(
                case_id=f"c-{order_id}",
                order_id=order_id,
                approver="sup-1",
                return_required=False,
                approved_at=CUTOFF,
            )
            await publish_event(
                nc, "aftersales", "RefundCase", f"c-{order_id}", approved, f"a-{order_id}", occurred_at=CUTOFF
            )
        notices = await eventually(
            lambda: query(nc, "ListNotices", {"role": "warehouse_keeper", "kind": "ShipmentRecallRequested"}),
            lambda r: r["total"] == 2,
        )
        assert {n["subject"] for n in notices["notices"]} == {"o-1", "o-2"}
        assert {n["rule"] for n in notices["notices"]} == {"SM-SHIP"}
        assert await stock_of(nc, "TV-55") == {"on_hand": 5, "reserved": 2}
        held = await command(
            nc, "StampOutboundNote", {"command_id": "stp-0", "actor": KEEPER, "shipment_id": "o-1"}
        )
        assert (held["error"]["code"], held["error"]["rule"]) == ("rule_violated", "SM-SHIP")

        back = await command(
            nc, "ConfirmShipmentRecalled", {"command_id": "rc-1", "actor": KEEPER, "shipment_id": "o-1"}
        )
        assert back["ok"], back
        left = await command(
            nc,
            "DeclineShipmentRecall",
            {"command_id": "rd-2", "actor": KEEPER, "shipment_id": "o-2", "reason": "courier left at 15:05"},
        )
        assert left["ok"], left
        stamped = await command(
            nc, "StampOutboundNote", {"command_id": "stp-2", "actor": KEEPER, "shipment_id": "o-2"}
        )
        assert stamped["ok"], stamped
        await shipments_in(nc, "Cancelled", 1)
        await shipments_in(nc, "Stamped", 1)
        levels = await eventually(lambda: stock_of(nc, "TV-55"), lambda s: s == {"on_hand": 4, "reserved": 0})
        assert levels == {"on_hand": 4, "reserved": 0}
        assert (await stream_types(nc, "Shipment", "o-1"))[-3:] == [
            "ShipmentRecallRequested",
            "ShipmentRecallConfirmed",
            "ShipmentCancelled",
        ]
        told = await eventually(
            lambda: query(nc, "ListNotices", {"role": "store_manager", "kind": "ShipmentRecallDeclined"}),
            lambda r: r["total"] == 1,
        )
        assert told["notices"][0]["subject"] == "o-2"
    finally:
        await runtime.stop()
