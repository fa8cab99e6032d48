"""Inbound receipt against the delivery note (FUL-12), special goods (FUL-17), labelling and
inspection (FUL-22), lots with supplier for traceability (FUL-24)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fulfilment.bootstrap import FulfilmentSettings
from jetstream_es.errors import Conflict, Forbidden, RuleViolated
from shop_contracts.commands import stock as c
from shop_contracts.events.stock import InboundReceived, InboundRejected, Mismatch, StockReserved

from .stock_helpers import CLERK, KEEPER, Stock, queued, receive


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock()
    yield harness
    await harness.close()


def reject(lot_no: str = "L9") -> c.RejectInbound:
    return c.RejectInbound(
        command_id=f"reject-{lot_no}",
        actor=KEEPER,
        sku="TV-55",
        lot_no=lot_no,
        supplier="Haier",
        delivery_note_no="DN-9",
        mismatches=(Mismatch(field="specification", on_note="4K", found="1080p"),),
        reason="wrong model delivered",
    )


async def test_ful12_a_matching_delivery_becomes_a_lot_with_supplier_label_and_stock(stock: Stock) -> None:
    await stock.run(receive(quantity=5))
    (event,) = stock.appended("StockItem")
    assert isinstance(event, InboundReceived)
    assert (event.supplier, event.lot_no, event.received_quantity, event.on_hand) == ("Haier", "L1", 5, 5)
    assert event.mismatches == ()
    assert event.reported_to == ()
    assert (await stock.levels("TV-55"))["sellable"] == 5


async def test_ful12_a_short_delivery_is_received_as_counted_and_the_mismatch_recorded_and_reported(
    stock: Stock,
) -> None:
    await stock.run(receive(quantity=4, note_quantity=5))
    (event,) = stock.appended("StockItem")
    assert isinstance(event, InboundReceived)
    assert event.received_quantity == 4
    assert event.mismatches == (Mismatch(field="quantity", on_note="5", found="4"),)
    assert event.reported_to == ("ops_director", "store_manager")


async def test_ful12_with_mismatches_refused_by_policy_a_mismatched_delivery_must_be_rejected() -> None:
    stock = Stock(FulfilmentSettings(accept_mismatched_inbound=False))
    try:
        with pytest.raises(RuleViolated) as refused:
            await stock.run(receive(quantity=4, note_quantity=5))
        assert refused.value.rule == "FUL-12"
        assert stock.appended() == []
    finally:
        await stock.close()


async def test_ful12_a_rejected_delivery_is_recorded_with_its_mismatch_and_reported(stock: Stock) -> None:
    await stock.run(reject())
    (event,) = stock.appended("StockItem")
    assert isinstance(event, InboundRejected)
    assert event.mismatches[0].field == "specification"
    assert event.reported_to == ("ops_director", "store_manager")
    assert await stock.levels() == {}


async def test_ful12_a_lot_already_in_stock_cannot_be_rejected(stock: Stock) -> None:
    await stock.run(receive(lot_no="L9"))
    with pytest.raises(RuleViolated) as refused:
        await stock.run(reject("L9"))
    assert refused.value.rule == "FUL-12"


async def test_ful24_a_lot_is_received_once(stock: Stock) -> None:
    await stock.run(receive())
    with pytest.raises(Conflict) as refused:
        await stock.run(receive(command_id="again"))
    assert refused.value.rule == "FUL-24"


async def test_the_same_receive_command_sent_again_records_nothing_more(stock: Stock) -> None:
    await stock.run(receive())
    stock.mark()
    result = await stock.run(receive())
    assert result.repeated
    assert stock.appended() == []


async def test_ful17_special_goods_need_a_named_custodian(stock: Stock) -> None:
    with pytest.raises(RuleViolated) as refused:
        await stock.run(receive(special=True))
    assert refused.value.rule == "FUL-17"
    await stock.run(receive(special=True, custodian="zhang", marking="fragile: red tag"))
    lot = (await stock.levels("TV-55"))["lots"][0]
    assert (lot["custodian"], lot["marking"]) == ("zhang", "fragile: red tag")


async def test_only_the_warehouse_keeper_receives_goods(stock: Stock) -> None:
    with pytest.raises(Forbidden) as refused:
        await stock.run(receive(actor=CLERK))
    assert refused.value.rule == "FUL-12"


async def test_ful22_goods_failing_inspection_are_quarantined_and_never_reserved(stock: Stock) -> None:
    await stock.run(receive(inspection="failed"))
    await stock.on(queued())
    assert "StockShortage" in stock.types("StockAllocation")
    levels = await stock.levels("TV-55")
    assert (levels["on_hand"], levels["sellable"], levels["quarantined"]) == (5, 0, 5)


async def test_ful22_a_pending_lot_becomes_sellable_when_it_passes_and_serves_the_waiting_shipment(
    stock: Stock,
) -> None:
    await stock.run(receive(inspection="pending"))
    await stock.on(queued())
    stock.mark()
    await stock.run(
        c.RecordLotInspection(
            command_id="insp-1", actor=KEEPER, sku="TV-55", lot_no="L1", inspection="passed"
        )
    )
    reserved = [e for e in stock.appended("StockAllocation") if isinstance(e, StockReserved)]
    assert reserved
    assert reserved[0].lots[0].lot_no == "L1"


async def test_ful22_a_lot_that_fails_later_loses_its_reservations(stock: Stock) -> None:
    await stock.run(receive())
    await stock.on(queued())
    stock.mark()
    await stock.run(
        c.RecordLotInspection(
            command_id="insp-1", actor=KEEPER, sku="TV-55", lot_no="L1", inspection="failed"
        )
    )
    assert stock.types("StockItem") == ["LotInspectionRecorded", "SkuReservationWithdrawn"]
    assert stock.types("StockAllocation") == ["AllocationLineWaiting", "StockShortage"]
    with pytest.raises(RuleViolated) as refused:
        await stock.run(
            c.RecordLotInspection(
                command_id="insp-2", actor=KEEPER, sku="TV-55", lot_no="L1", inspection="passed"
            )
        )
    assert refused.value.rule == "FUL-22"
