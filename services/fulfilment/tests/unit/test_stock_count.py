"""The quarterly stocktake with finance and discrepancy reports (FUL-15): surplus, shortage and
damage need cause, responsibility and remedy; the ledger follows by StockAdjusted events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from jetstream_es.errors import NotFound, RuleViolated
from shop_contracts.commands import stock as c
from shop_contracts.events.stock import StockAdjusted, StockDiscrepancyReported, StocktakeCompleted

from .stock_helpers import KEEPER, Stock, queued, receive


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock()
    await harness.run(receive(lot_no="L1", quantity=5), receive(lot_no="L2", quantity=5))
    yield harness
    await harness.close()


def count(*lines: dict[str, Any], stocktake_id: str = "st-2026q1") -> c.RecordStocktake:
    return c.RecordStocktake(
        command_id=f"count-{stocktake_id}",
        actor=KEEPER,
        stocktake_id=stocktake_id,
        finance_witness="fin-li",
        lines=tuple(c.CountedLot(sku="TV-55", **line) for line in lines),
    )


EXPLAINED = {"cause": "theft suspected", "responsible": "keeper-1", "remedy": "install camera"}


async def test_ful15_a_shortage_is_recorded_with_its_cause_and_the_ledger_follows(stock: Stock) -> None:
    stock.mark()
    await stock.run(count({"lot_no": "L1", "counted": 3, **EXPLAINED}, {"lot_no": "L2", "counted": 5}))
    (done,) = stock.appended("Stocktake")
    assert isinstance(done, StocktakeCompleted)
    assert (done.quarter, done.shortage, done.surplus, done.finance_witness) == ("2026-Q1", 2, 0, "fin-li")
    assert done.lines[0].responsible == "keeper-1"
    (adjusted,) = stock.appended("StockItem")
    assert isinstance(adjusted, StockAdjusted)
    assert (adjusted.lot_no, adjusted.kind, adjusted.delta, adjusted.on_hand) == ("L1", "shortage", -2, 8)
    assert (await stock.levels("TV-55"))["on_hand"] == 8


async def test_ful15_a_discrepancy_without_cause_responsibility_and_remedy_is_refused(stock: Stock) -> None:
    with pytest.raises(RuleViolated) as refused:
        await stock.run(count({"lot_no": "L1", "counted": 6}))
    assert refused.value.rule == "FUL-15"
    assert "TV-55/L1" in refused.value.message


async def test_ful15_an_unknown_lot_cannot_be_counted(stock: Stock) -> None:
    with pytest.raises(NotFound):
        await stock.run(count({"lot_no": "L7", "counted": 1}))


async def test_ful15_damaged_goods_stay_on_hand_but_are_not_sellable(stock: Stock) -> None:
    await stock.run(count({"lot_no": "L1", "counted": 5, "damaged": 2, **EXPLAINED}))
    levels = await stock.levels("TV-55")
    assert (levels["on_hand"], levels["sellable"], levels["quarantined"]) == (10, 8, 2)


async def test_ful15_a_shortage_on_reserved_stock_moves_the_reservation_to_the_next_lot(stock: Stock) -> None:
    await stock.on(queued(TV_55=5))
    stock.mark()
    await stock.run(count({"lot_no": "L1", "counted": 4, **EXPLAINED}))
    assert stock.types("StockItem") == ["StockAdjusted", "SkuReservationWithdrawn", "SkuStockReserved"]
    assert stock.types("StockAllocation") == [
        "AllocationLineWaiting",
        "StockShortage",
        "AllocationLineReserved",
        "StockReserved",
    ]
    reserved = stock.appended("StockAllocation")[-1]
    assert [(p.lot_no, p.quantity) for p in reserved.lots] == [("L1", 4), ("L2", 1)]  # type: ignore[attr-defined]


async def test_ful15_a_discrepancy_found_between_stocktakes_is_reported_and_adjusts_the_ledger(
    stock: Stock,
) -> None:
    stock.mark()
    await stock.run(
        c.ReportStockDiscrepancy(
            command_id="rep-1",
            actor=KEEPER,
            report_id="rep-1",
            sku="TV-55",
            lot_no="L2",
            kind="damage",
            quantity=1,
            cause="dropped by forklift",
            responsible="keeper-1",
            remedy="claim from insurance",
        )
    )
    reported, adjusted = stock.appended("StockItem")
    assert isinstance(reported, StockDiscrepancyReported)
    assert isinstance(adjusted, StockAdjusted)
    assert reported.reported_to == ("ops_director", "store_manager")
    assert (adjusted.kind, adjusted.delta, adjusted.damaged) == ("damage", 0, 1)
    assert (await stock.levels("TV-55"))["sellable"] == 9
