"""Warehouse checks before and after work (FUL-19), the access register (FUL-18), and event stock
that goes out and comes back (FUL-23)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from jetstream_es.errors import RuleViolated
from shop_contracts.commands import stock as c
from shop_contracts.events.stock import (
    EventStockIssued,
    EventStockReturned,
    WarehouseAccessRegistered,
    WarehouseCheckRecorded,
)

from .read_models import ReadModels
from .stock_helpers import KEEPER, TODAY, Stock, receive


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock()
    yield harness
    await harness.close()


def check(point: str = "before_work", command_id: str = "chk-1", **fields: Any) -> c.RecordWarehouseCheck:
    body: dict[str, Any] = {"day": TODAY, "point": point, "locks_ok": True}
    return c.RecordWarehouseCheck(command_id=command_id, actor=KEEPER, **(body | fields))


async def test_ful19_a_clean_check_is_recorded_and_reported_to_nobody(stock: Stock) -> None:
    await stock.run(check())
    (event,) = stock.appended("WarehouseLog")
    assert isinstance(event, WarehouseCheckRecorded)
    assert (event.point, event.locks_ok, event.reported_to) == ("before_work", True, ())


async def test_ful19_an_anomaly_is_reported_to_the_ops_director_and_store_manager(stock: Stock) -> None:
    await stock.run(check("after_work", locks_ok=False, missing_items=("TV-55 x1",)))
    (event,) = stock.appended("WarehouseLog")
    assert isinstance(event, WarehouseCheckRecorded)
    assert event.reported_to == ("ops_director", "store_manager")


async def test_ful19_an_anomaly_is_a_notice_for_the_recipients_and_a_clean_check_is_none(
    stock: Stock,
) -> None:
    models = ReadModels(stock.store)
    try:
        await stock.run(check(), check("after_work", command_id="chk-2", locks_ok=False))
        for role in ("ops_director", "store_manager"):
            (notice,) = (await models.notices_for(role))["notices"]
            assert (notice["kind"], notice["rule"]) == ("WarehouseCheckRecorded", "FUL-19")
            assert "locks not in order" in notice["summary"]
    finally:
        await models.close()


async def test_ful12_an_inbound_mismatch_is_a_notice_for_the_recipients(stock: Stock) -> None:
    models = ReadModels(stock.store)
    try:
        await stock.run(receive(quantity=4, note_quantity=5))
        (notice,) = (await models.notices_for("store_manager"))["notices"]
        assert (notice["kind"], notice["rule"], notice["subject"]) == ("InboundReceived", "FUL-12", "TV-55")
    finally:
        await models.close()


async def test_ful19_each_check_is_recorded_once_a_day_and_never_ahead(stock: Stock) -> None:
    await stock.run(check())
    with pytest.raises(RuleViolated) as twice:
        await stock.run(check(command_id="chk-2"))
    assert twice.value.rule == "FUL-19"
    with pytest.raises(RuleViolated) as ahead:
        await stock.run(check(command_id="chk-3", day=TODAY + timedelta(days=1)))
    assert ahead.value.rule == "FUL-19"


def access(**fields: Any) -> c.RegisterWarehouseAccess:
    body: dict[str, Any] = {"person": "courier-zhao", "direction": "out", "purpose": "pick-up"}
    return c.RegisterWarehouseAccess(command_id="acc-1", actor=KEEPER, **(body | fields))


async def test_ful18_nobody_carries_goods_out_without_a_procedure(stock: Stock) -> None:
    with pytest.raises(RuleViolated) as refused:
        await stock.run(access(goods=("TV-55 x2",)))
    assert refused.value.rule == "FUL-18"
    await stock.run(access(goods=("TV-55 x2",), procedure_ref="ON-s-1"))
    (event,) = stock.appended("WarehouseLog")
    assert isinstance(event, WarehouseAccessRegistered)
    assert (event.person, event.procedure_ref, event.day) == ("courier-zhao", "ON-s-1", TODAY)


async def test_ful23_event_stock_goes_out_fifo_and_what_comes_back_is_restocked(stock: Stock) -> None:
    await stock.run(receive(lot_no="L1", quantity=2), receive(lot_no="L2", quantity=5))
    stock.mark()
    await stock.run(
        c.IssueEventStock(
            command_id="ev-1",
            actor=KEEPER,
            issue_id="ev-1",
            sku="TV-55",
            quantity=4,
            event_name="mall show",
            custodian="sales-1",
        )
    )
    (issued,) = stock.appended("StockItem")
    assert isinstance(issued, EventStockIssued)
    assert [(p.lot_no, p.quantity) for p in issued.lots] == [("L1", 2), ("L2", 2)]
    stock.mark()
    await stock.run(
        c.ReturnEventStock(command_id="ev-1-back", actor=KEEPER, issue_id="ev-1", sku="TV-55", returned=3)
    )
    (back,) = stock.appended("StockItem")
    assert isinstance(back, EventStockReturned)
    assert (back.not_returned, back.on_hand) == (1, 6)
    with pytest.raises(RuleViolated) as too_many:
        await stock.run(
            c.IssueEventStock(
                command_id="ev-2",
                actor=KEEPER,
                issue_id="ev-2",
                sku="TV-55",
                quantity=7,
                event_name="x",
                custodian="sales-1",
            )
        )
    assert too_many.value.rule == "FUL-23"


async def test_ful19_a_check_point_outside_the_configured_ones_is_refused(stock: Stock) -> None:
    with pytest.raises(RuleViolated) as refused:
        await stock.run(check("lunch"))
    assert refused.value.rule == "FUL-19"
