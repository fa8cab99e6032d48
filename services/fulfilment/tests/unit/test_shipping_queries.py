"""The shipping queries answer one page at a time, whatever the size of the day (SM-SHIP-BATCH), and
the warehouse's reports reach their recipient roles as notices (C14; FUL-4, FUL-5, FUL-7)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from fulfilment.bootstrap import FulfilmentSettings
from shop_contracts.queries.fulfilment import GetShippingDay, ListShipments, ShippingDayHistory

from .read_models import ReadModels
from .shipping_helpers import (
    AFTER_CUTOFF,
    DAY,
    NOW,
    Shipping,
    accessories,
    approved,
    check,
    decline_recall,
    dispatch,
    fill,
    generate,
    local,
    ready_to_dispatch,
    refuse,
    resume,
    short_of,
    stamp,
    submit,
)

NATS_MAX_PAYLOAD = 1024 * 1024


@pytest.fixture
async def shop() -> AsyncIterator[tuple[Shipping, ReadModels]]:
    h = Shipping()
    models = ReadModels(h.store)
    yield h, models
    await models.close()


# -- paging ---------------------------------------------------------------------------------------


async def test_shipping_day_answers_one_page_of_its_shipments_with_the_total(
    shop: tuple[Shipping, ReadModels],
) -> None:
    h, models = shop
    for n in range(1, 6):
        await h.queue_order(f"o-{n}", at=NOW + timedelta(minutes=n))
    first = await models.day(GetShippingDay(batch_date=DAY, limit=2))
    rest = await models.day(GetShippingDay(batch_date=DAY, limit=2, offset=2))
    last = await models.day(GetShippingDay(batch_date=DAY, limit=2, offset=4))
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    pages = [first, rest, last]
    assert [s["order_id"] for page in pages for s in page["shipments"]] == [f"o-{n}" for n in range(1, 6)]
    assert first["counts"] == {"Queued": 5}
    assert "shipments" not in first["details"]


async def test_a_day_of_2000_shipments_answers_within_one_nats_message(
    shop: tuple[Shipping, ReadModels],
) -> None:
    h, models = shop
    await h.queue_order("o-1")
    await models.catch_up()
    shipments, days = models.tables["shipments"], models.tables["days"]
    async with models.engine.begin() as conn:
        row = (await conn.execute(shipments.select())).first()
        assert row is not None
        template = dict(row._mapping)
        await conn.execute(
            shipments.insert(),
            [{**template, "shipment_id": f"big-{n:05d}", "order_id": f"big-{n:05d}"} for n in range(2_000)],
        )
        details = dict((await conn.execute(days.select())).one().details)
        details["shipments"] = [f"big-{n:05d}" for n in range(2_000)]
        details["documents"] = [
            {
                "shipment_id": f"big-{n:05d}",
                "order_id": f"big-{n:05d}",
                "waybill_no": f"WB{n:08d}",
                "outbound_note_no": f"CK{n:08d}",
                "invoice_no": f"FP{n:08d}",
            }
            for n in range(2_000)
        ]
        await conn.execute(days.update().values(details=details))
    day = await models.day(GetShippingDay(batch_date=DAY, limit=500))
    assert day["total"] == 2_001
    assert len(day["shipments"]) == 500
    assert len(json.dumps(day, ensure_ascii=False).encode()) < NATS_MAX_PAYLOAD / 2


async def test_ful2_a_carried_shipment_is_listed_on_the_day_it_joined_not_the_day_it_was_queued_for() -> None:
    h = Shipping(pump=False)
    models = ReadModels(h.store)
    try:
        await h.queue_order("o-1")
        await h.pump()
        h.clock.set(AFTER_CUTOFF)
        await h.queue_order("o-2", at=local(DAY, 13, 59))  # queued for today, joins after the report
        await h.when(generate())
        await h.pump()
        today = await models.day(GetShippingDay(batch_date=DAY))
        tomorrow = await models.day(GetShippingDay(batch_date=DAY + timedelta(days=1)))
        assert [s["order_id"] for s in today["shipments"]] == ["o-1"]
        assert [s["order_id"] for s in tomorrow["shipments"]] == ["o-2"]
        assert tomorrow["details"]["carried_in_count"] == 1
    finally:
        await models.close()


async def test_shipping_day_history_is_paged(shop: tuple[Shipping, ReadModels]) -> None:
    h, models = shop
    for n in range(1, 4):
        await h.queue_order(f"o-{n}")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    first = await models.day_history(ShippingDayHistory(batch_date=DAY, limit=2))
    second = await models.day_history(ShippingDayHistory(batch_date=DAY, limit=2, offset=2))
    assert first["total"] == 5
    assert [e["event_type"] for e in first["history"] + second["history"]] == [
        "ShipmentJoinedDay",
        "ShipmentJoinedDay",
        "ShipmentJoinedDay",
        "DailyShippingReportGenerated",
    ]


async def test_ful20_shipments_waiting_for_stock_are_listed_page_by_page(
    shop: tuple[Shipping, ReadModels],
) -> None:
    h, models = shop
    for n in range(1, 4):
        await h.queue_order(f"o-{n}")
        await short_of(h, f"o-{n}")
    page = await models.shipments(ListShipments(stock="short", limit=2))
    assert page["total"] == 3
    assert [s["order_id"] for s in page["shipments"]] == ["o-1", "o-2"]


# -- notices (C14) --------------------------------------------------------------------------------


async def test_ful5_a_refused_outbound_is_a_notice_for_each_recipient_role(
    shop: tuple[Shipping, ReadModels],
) -> None:
    h, models = shop
    await ready_to_dispatch(h)
    await h.when(refuse(reason="invoice does not match the order"))
    for role in ("ops_director", "store_manager"):
        notices = await models.notices_for(role)
        assert notices["total"] == 1
        (notice,) = notices["notices"]
        assert (notice["kind"], notice["rule"], notice["subject"]) == ("OutboundRefused", "FUL-5", "o-1")
        assert notice["details"]["reason"] == "invoice does not match the order"
        assert "invoice does not match the order" in notice["summary"]
    assert (await models.notices_for("dept_manager"))["total"] == 0


async def test_ful5_the_recipients_are_those_of_the_setting(shop: tuple[Shipping, ReadModels]) -> None:
    _, models = shop
    h = Shipping(FulfilmentSettings(report_recipients=("dept_manager",)))
    models.store = h.store
    await ready_to_dispatch(h)
    await h.when(refuse())
    assert (await models.notices_for("dept_manager"))["total"] == 1
    assert (await models.notices_for("ops_director"))["total"] == 0


async def test_ful5_the_resumption_is_told_to_the_same_roles_newest_first(
    shop: tuple[Shipping, ReadModels],
) -> None:
    h, models = shop
    await ready_to_dispatch(h)
    await h.given(refuse(), resume())
    notices = await models.notices_for("store_manager")
    assert [n["kind"] for n in notices["notices"]] == ["ShipmentResumed", "OutboundRefused"]
    only = await models.notices_for("store_manager", kind="ShipmentResumed")
    assert only["total"] == 1


async def test_ful4_missing_accessories_are_a_notice(shop: tuple[Shipping, ReadModels]) -> None:
    h, models = shop
    await h.queue_order("o-1")
    await h.catalogue(accessories("TV-55", "remote", "manual"), accessories("CABLE"))
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    await h.when(check(("manual",), "o-1"))
    notice = (await models.notices_for("ops_director"))["notices"][0]
    assert (notice["kind"], notice["rule"], notice["details"]["missing"]) == (
        "AccessoriesMissing",
        "FUL-4",
        ["remote"],
    )


async def test_ful7_the_submitted_daily_report_is_a_notice_for_its_role(
    shop: tuple[Shipping, ReadModels],
) -> None:
    h, models = shop
    await ready_to_dispatch(h)
    await h.given(dispatch(), stamp(), fill(), submit())
    (notice,) = (await models.notices_for("dept_manager"))["notices"]
    assert (notice["kind"], notice["rule"], notice["subject"]) == (
        "DailyShippingReportSubmitted",
        "FUL-7",
        DAY.isoformat(),
    )


async def test_notices_are_paged(shop: tuple[Shipping, ReadModels]) -> None:
    h, models = shop
    await ready_to_dispatch(h, "o-1", "o-2", "o-3")
    for order_id in ("o-1", "o-2", "o-3"):
        await h.when(refuse(order_id))
    page = await models.notices_for("ops_director", limit=2, offset=2)
    assert (page["total"], len(page["notices"])) == (3, 1)
    assert page["notices"][0]["subject"] == "o-1"


async def test_sm_ship_a_recall_is_a_notice_for_the_keeper_and_shows_on_the_shipment(
    shop: tuple[Shipping, ReadModels],
) -> None:
    """SM-SHIP: the keeper reads the recall in ListNotices; its decline reaches the C14 roles; the
    shipment's row shows the recall and its answer."""
    h, models = shop
    await ready_to_dispatch(h)
    await h.given(dispatch())
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase")
    (notice,) = (await models.notices_for("warehouse_keeper"))["notices"]
    assert (notice["kind"], notice["rule"], notice["subject"]) == (
        "ShipmentRecallRequested",
        "SM-SHIP",
        "o-1",
    )
    assert notice["details"]["case_id"] == "c-1"
    assert "DeclineShipmentRecall" in notice["summary"]
    await h.when(decline_recall())
    for role in ("ops_director", "store_manager"):
        (told,) = (await models.notices_for(role, kind="ShipmentRecallDeclined"))["notices"]
        assert told["rule"] == "SM-SHIP"
    (row,) = (await models.shipments(ListShipments(limit=10)))["shipments"]
    recall = row["details"]["recall"]
    assert (recall["status"], recall["case_id"], recall["held_in"]) == ("declined", "c-1", "Dispatched")
    assert recall["answer"]["by"] == "keeper-1"
