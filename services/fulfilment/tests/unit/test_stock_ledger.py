"""The goods ledger closed daily and monthly, reconciled against the stock card (FUL-13), and the
monthly in/out/stock report per item (FUL-14)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from fulfilment.stock.adapters import queries
from jetstream_es.errors import RuleViolated
from shop_contracts.commands import stock as c
from shop_contracts.events.stock import DailyLedgerClosed, LedgerLine, MonthlyInventoryReportCompiled
from shop_contracts.queries.stock import MonthlyInventoryReport, StockLevels

from .stock_helpers import KEEPER, NOW, TODAY, Stock, queued, receive, stamped


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock()
    harness.clock.set(NOW - timedelta(days=1))
    await harness.run(receive(lot_no="L1", quantity=10))
    harness.clock.set(NOW)
    await harness.run(receive(lot_no="L2", quantity=4))
    await harness.on(queued(TV_55=3))
    await harness.on(stamped())
    yield harness
    await harness.close()


def close(day: date = TODAY, command_id: str = "close-1") -> c.CloseDailyLedger:
    return c.CloseDailyLedger(command_id=command_id, actor=KEEPER, day=day)


def compile_month(month: str = "2026-03", command_id: str = "month-1") -> c.CompileMonthlyInventoryReport:
    return c.CompileMonthlyInventoryReport(command_id=command_id, actor=KEEPER, month=month)


async def test_ful13_closing_a_day_records_each_items_opening_in_out_and_closing(stock: Stock) -> None:
    stock.mark()
    await stock.run(close())
    (closed,) = stock.appended("LedgerDay")
    assert isinstance(closed, DailyLedgerClosed)
    assert closed.lines == (LedgerLine(sku="TV-55", opening=10, inbound=4, outbound=3, closing=11),)
    assert (closed.inbound, closed.outbound, closed.unreconciled, closed.closed_by) == (4, 3, (), "keeper-1")


async def test_ful13_a_day_is_closed_once(stock: Stock) -> None:
    await stock.run(close())
    with pytest.raises(RuleViolated) as refused:
        await stock.run(close(command_id="close-2"))
    assert refused.value.rule == "FUL-13"


async def test_ful13_a_future_day_cannot_be_closed(stock: Stock) -> None:
    with pytest.raises(RuleViolated) as refused:
        await stock.run(close(TODAY + timedelta(days=1)))
    assert refused.value.rule == "FUL-13"


async def test_ful14_the_monthly_report_sums_in_out_and_stock_per_item_and_reconciles(stock: Stock) -> None:
    await stock.run(close(TODAY - timedelta(days=1), "close-0"))
    stock.mark()
    await stock.run(compile_month())
    (report,) = stock.appended("InventoryMonth")
    assert isinstance(report, MonthlyInventoryReportCompiled)
    assert report.lines == (LedgerLine(sku="TV-55", opening=0, inbound=14, outbound=3, closing=11),)
    assert report.unreconciled == ()
    assert report.unclosed_days == (TODAY,)
    assert report.reported_to == ("ops_director", "store_manager")
    shown = await stock.monthly("2026-03")
    assert shown["compiled"]
    assert shown["lines"][0]["closing"] == 11


async def test_ful13_an_item_whose_ledger_does_not_agree_with_its_card_is_named(stock: Stock) -> None:
    ledger = stock.tables["ledger"]
    async with stock.engine.begin() as conn:
        await conn.execute(update(ledger).where(ledger.c.day == TODAY.isoformat()).values(outbound=2))
    stock.mark()
    await stock.run(compile_month())
    (report,) = stock.appended("InventoryMonth")
    assert isinstance(report, MonthlyInventoryReportCompiled)
    assert report.unreconciled == ("TV-55",)
    assert not report.lines[0].reconciled


async def test_ful14_a_month_is_compiled_once_and_never_before_it_begins(stock: Stock) -> None:
    await stock.run(compile_month())
    with pytest.raises(RuleViolated) as twice:
        await stock.run(compile_month(command_id="month-2"))
    assert twice.value.rule == "FUL-14"
    with pytest.raises(RuleViolated) as early:
        await stock.run(compile_month("2026-04", "month-3"))
    assert early.value.rule == "FUL-14"


async def test_ful14_the_live_report_of_an_uncompiled_month_shows_the_figures_so_far(stock: Stock) -> None:
    shown = await stock.monthly("2026-03")
    assert not shown["compiled"]
    assert [(line["sku"], line["inbound"], line["outbound"]) for line in shown["lines"]] == [("TV-55", 14, 3)]


async def test_ful14_the_monthly_report_answers_one_page_of_item_lines(stock: Stock) -> None:
    await stock.run(receive(sku="CABLE", lot_no="C1", quantity=2), receive(sku="REMOTE", lot_no="R1"))
    result = await queries.monthly_report(
        stock.engine, stock.tables, MonthlyInventoryReport(month="2026-03", limit=2, offset=1), stock.today()
    )
    assert (result["total"], result["limit"], result["offset"]) == (3, 2, 1)
    assert [line["sku"] for line in result["lines"]] == ["REMOTE", "TV-55"]


async def test_stock_levels_answer_one_page_of_items_by_sku(stock: Stock) -> None:
    await stock.run(receive(sku="CABLE", lot_no="C1", quantity=2), receive(sku="REMOTE", lot_no="R1"))
    first = await queries.stock_levels(stock.engine, stock.tables, StockLevels(limit=2))
    rest = await queries.stock_levels(stock.engine, stock.tables, StockLevels(limit=2, offset=2))
    assert first["total"] == 3
    assert [i["sku"] for i in first["items"] + rest["items"]] == ["CABLE", "REMOTE", "TV-55"]
