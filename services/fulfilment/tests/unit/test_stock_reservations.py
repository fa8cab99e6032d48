"""Reservations for queued shipments first-in first-out by lot (FUL-20), only from inspected goods
(FUL-22); the out-of-stock signal (StockShortage, ORD-10); release on cancellation; issue on the
stamp with the lots recorded per shipment (FUL-6, FUL-24)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from fulfilment.stock.application.reactions import ShippingStockReactions
from shop_contracts.aggregates import FULFILMENT_SHIPMENT
from shop_contracts.events.stock import ReservedLot, ShortLine, StockIssued, StockReserved, StockShortage

from .stock_helpers import NOW, Stock, cancelled, queued, receive, stamped


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock()
    yield harness
    await harness.close()


async def test_ful20_a_shipment_is_reserved_first_in_first_out_across_lots(stock: Stock) -> None:
    await stock.run(receive(lot_no="L1", quantity=3), receive(lot_no="L2", quantity=5))
    stock.mark()
    await stock.on(queued(TV_55=4))
    (reserved,) = [e for e in stock.appended("StockAllocation") if isinstance(e, StockReserved)]
    assert reserved.lots == (
        ReservedLot(sku="TV-55", lot_no="L1", quantity=3),
        ReservedLot(sku="TV-55", lot_no="L2", quantity=1),
    )
    levels = await stock.levels("TV-55")
    assert (levels["on_hand"], levels["reserved"], levels["sellable"]) == (8, 4, 4)


async def test_ful20_the_oldest_lot_is_issued_first_when_the_shipment_is_stamped(stock: Stock) -> None:
    await stock.run(receive(lot_no="L1", quantity=3), receive(lot_no="L2", quantity=5))
    await stock.on(queued(TV_55=4))
    stock.mark()
    await stock.on(stamped())
    (issued,) = [e for e in stock.appended("StockItem") if isinstance(e, StockIssued)]
    assert [(p.lot_no, p.quantity) for p in issued.lots] == [("L1", 3), ("L2", 1)]
    assert (issued.outbound_note_no, issued.on_hand, issued.short) == ("ON-s-1", 4, 0)
    lots = {lot["lot_no"]: lot for lot in (await stock.levels("TV-55", all_lots=True))["lots"]}
    assert (lots["L1"]["on_hand"], lots["L2"]["on_hand"], lots["L2"]["reserved"]) == (0, 4, 0)
    assert [lot["lot_no"] for lot in (await stock.levels("TV-55"))["lots"]] == ["L2"]
    assert stock.types("OrderStock") == ["OrderGoodsIssued"]


async def test_a_shipment_with_several_skus_is_reserved_only_when_every_line_is_covered(stock: Stock) -> None:
    await stock.run(receive(sku="TV-55", quantity=2))
    stock.mark()
    await stock.on(queued(TV_55=1, CABLE=2))
    shortage = [e for e in stock.appended("StockAllocation") if isinstance(e, StockShortage)]
    assert shortage
    assert shortage[0].short == (ShortLine(sku="CABLE", requested=2, available=0),)
    assert not [e for e in stock.appended() if isinstance(e, StockReserved)]
    stock.mark()
    await stock.run(receive(sku="CABLE", lot_no="C1", quantity=10))
    (reserved,) = [e for e in stock.appended("StockAllocation") if isinstance(e, StockReserved)]
    assert {(r.sku, r.quantity) for r in reserved.lots} == {("TV-55", 1), ("CABLE", 2)}


async def test_ful20_a_later_inbound_serves_the_oldest_waiting_shipment_first(stock: Stock) -> None:
    await stock.on(queued("s-1", "o-1", TV_55=2))
    await stock.on(queued("s-2", "o-2", TV_55=1))
    stock.mark()
    await stock.run(receive(quantity=2))
    reserved = [e for e in stock.appended("StockAllocation") if isinstance(e, StockReserved)]
    assert [r.shipment_id for r in reserved] == ["s-1"]
    assert (await stock.allocation("s-2")).announced == "short"
    assert (await stock.levels("TV-55"))["waiting_shipments"] == ["s-2"]


async def test_ful20_a_new_shipment_does_not_overtake_one_that_waits_for_the_same_sku(stock: Stock) -> None:
    await stock.run(receive(quantity=1))
    await stock.on(queued("s-1", "o-1", TV_55=2))
    stock.mark()
    await stock.on(queued("s-2", "o-2", TV_55=1))
    (shortage,) = [e for e in stock.appended("StockAllocation") if isinstance(e, StockShortage)]
    assert shortage.shipment_id == "s-2"
    assert shortage.short == (ShortLine(sku="TV-55", requested=1, available=0),)


async def test_a_cancelled_shipment_releases_its_reservation_to_the_next_in_line(stock: Stock) -> None:
    await stock.run(receive(quantity=2))
    await stock.on(queued("s-1", "o-1", TV_55=2))
    await stock.on(queued("s-2", "o-2", TV_55=2))
    stock.mark()
    await stock.on(cancelled("s-1", "o-1"))
    assert stock.types("StockItem") == ["SkuReservationReleased", "SkuStockReserved"]
    reserved = [e for e in stock.appended("StockAllocation") if isinstance(e, StockReserved)]
    assert [r.shipment_id for r in reserved] == ["s-2"]


async def test_a_redelivered_queued_event_reserves_nothing_twice(stock: Stock) -> None:
    await stock.run(receive(quantity=5))
    await stock.on(queued(TV_55=2), event_id="q-1")
    stock.mark()
    await stock.on(queued(TV_55=2), event_id="q-1")
    await stock.on(stamped(), event_id="st-1")
    await stock.on(stamped(), event_id="st-1")
    assert stock.types("StockItem") == ["StockIssued"]
    assert (await stock.levels("TV-55"))["on_hand"] == 3


async def test_a_shipment_stamped_without_full_cover_issues_what_is_sellable_and_records_the_rest_short(
    stock: Stock,
) -> None:
    await stock.run(receive(quantity=1))
    await stock.on(queued(TV_55=3))
    stock.mark()
    await stock.on(stamped())
    (issued,) = [e for e in stock.appended("StockItem") if isinstance(e, StockIssued)]
    assert (sum(p.quantity for p in issued.lots), issued.short, issued.on_hand) == (1, 2, 0)


async def test_concurrent_reservations_for_one_sku_never_oversell(stock: Stock) -> None:
    await stock.run(receive(quantity=5))
    reaction = stock.reaction(ShippingStockReactions)
    await asyncio.gather(
        *(
            stock.deliver_to(
                reaction,
                queued(f"s-{n}", f"o-{n}", TV_55=1),
                source=FULFILMENT_SHIPMENT,
                aggregate_id=f"s-{n}",
                at=NOW,
            )
            for n in range(8)
        )
    )
    await stock.pump()
    item = await stock.item("TV-55")
    reserved = [r for r in item.requests.values() if r.lots is not None]
    assert len(reserved) == 5
    assert sum(lot.reserved for lot in item.lots.values()) == 5
    assert len(item.waiting()) == 3
