"""Returned goods (FUL-22, FUL-24): restocked into a returned lot once after-sales confirms receipt,
into a quarantine lot when its inspection failed; once per case, whichever way it comes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from jetstream_es.errors import Conflict, RuleViolated
from shop_contracts.commands import stock as c
from shop_contracts.events.refund_case import (
    ReturnInspectionFailed,
    ReturnInspectionPassed,
    ReturnReceiptConfirmed,
)
from shop_contracts.events.stock import ReturnedGoodsRestocked

from .stock_helpers import KEEPER, NOW, Stock, queued, receive, stamped


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock()
    await harness.run(receive(lot_no="L1", quantity=3, supplier="Haier"))
    await harness.on(queued(TV_55=2))
    await harness.on(stamped())
    yield harness
    await harness.close()


def confirmed(at: datetime = NOW) -> ReturnReceiptConfirmed:
    return ReturnReceiptConfirmed(case_id="case-1", order_id="o-1", confirmed_by="as-1", confirmed_at=at)


def failed() -> ReturnInspectionFailed:
    return ReturnInspectionFailed(
        case_id="case-1", order_id="o-1", inspector="as-1", goods_match=True, damaged=True, inspected_at=NOW
    )


def by_hand(quantity: int = 1, sellable: bool = True, case_id: str = "case-2") -> c.RestockReturnedGoods:
    return c.RestockReturnedGoods(
        command_id=f"restock-{case_id}",
        actor=KEEPER,
        case_id=case_id,
        order_id="o-1",
        lines=(c.ReturnLine(sku="TV-55", quantity=quantity),),
        sellable=sellable,
    )


async def test_confirmed_receipt_restocks_what_was_issued_into_a_returned_lot(stock: Stock) -> None:
    stock.mark()
    await stock.on(confirmed())
    (restocked,) = [e for e in stock.appended("StockItem") if isinstance(e, ReturnedGoodsRestocked)]
    assert (restocked.sku, restocked.qty, restocked.lot_no, restocked.sellable) == (
        "TV-55",
        2,
        "R-case-1",
        True,
    )
    assert (restocked.supplier, restocked.source_lots, restocked.on_hand) == ("Haier", ("L1",), 3)
    levels = await stock.levels("TV-55")
    assert (levels["on_hand"], levels["sellable"]) == (3, 3)


async def test_ful22_returned_goods_that_failed_inspection_go_to_quarantine_and_are_never_sold(
    stock: Stock,
) -> None:
    await stock.on(failed())
    stock.mark()
    await stock.on(confirmed())
    (restocked,) = [e for e in stock.appended("StockItem") if isinstance(e, ReturnedGoodsRestocked)]
    assert (restocked.lot_no, restocked.sellable) == ("Q-case-1", False)
    levels = await stock.levels("TV-55")
    assert (levels["on_hand"], levels["sellable"], levels["quarantined"]) == (3, 1, 2)


async def test_ful22_a_passed_reinspection_after_a_failure_restocks_as_sellable(stock: Stock) -> None:
    await stock.on(failed())
    await stock.on(
        ReturnInspectionPassed(case_id="case-1", order_id="o-1", inspector="as-1", inspected_at=NOW)
    )
    stock.mark()
    await stock.on(confirmed())
    (restocked,) = [e for e in stock.appended("StockItem") if isinstance(e, ReturnedGoodsRestocked)]
    assert restocked.sellable


async def test_a_redelivered_or_repeated_receipt_restocks_nothing_twice(stock: Stock) -> None:
    await stock.on(confirmed(), event_id="rc-1")
    stock.mark()
    await stock.on(confirmed(), event_id="rc-1")
    await stock.on(confirmed(), event_id="rc-2")
    assert stock.appended() == []
    with pytest.raises(Conflict):
        await stock.run(by_hand(case_id="case-1"))


async def test_ful24_a_restock_by_hand_cannot_exceed_what_was_issued_for_the_order(stock: Stock) -> None:
    with pytest.raises(RuleViolated) as refused:
        await stock.run(by_hand(quantity=3))
    assert refused.value.rule == "FUL-24"
    stock.mark()
    await stock.run(by_hand(quantity=1, sellable=False))
    (restocked,) = [e for e in stock.appended("StockItem") if isinstance(e, ReturnedGoodsRestocked)]
    assert (restocked.lot_no, restocked.qty) == ("Q-case-2", 1)
    stock.mark()
    await stock.on(confirmed())
    (rest,) = [e for e in stock.appended("StockItem") if isinstance(e, ReturnedGoodsRestocked)]
    assert rest.qty == 1


async def test_ful24_goods_never_issued_here_cannot_be_restocked(stock: Stock) -> None:
    cmd = by_hand().model_copy(update={"order_id": "o-404"})
    with pytest.raises(RuleViolated) as refused:
        await stock.run(cmd)
    assert refused.value.rule == "FUL-24"


async def test_ful24_a_returned_lot_never_merges_into_a_lot_of_the_same_name(stock: Stock) -> None:
    await stock.run(receive(lot_no="R-case-1", quantity=1))
    stock.mark()
    await stock.on(confirmed())
    (restocked,) = [e for e in stock.appended("StockItem") if isinstance(e, ReturnedGoodsRestocked)]
    assert restocked.lot_no == "R-case-1-2"
    lots = {lot["lot_no"]: lot["on_hand"] for lot in (await stock.levels("TV-55"))["lots"]}
    assert (lots["R-case-1"], lots["R-case-1-2"]) == (1, 2)
