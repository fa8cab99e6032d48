"""Deadlines fired by the running service with a FixedClock (ORD-1, ORD-2, ORD-3, AS-11): once,
across a restart, cancelled when the step happens; and the queries GetOrder, ListOrders, SlaBoard
and DailySales (ORD-16)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer

from .helpers import (
    BACKOFFICE,
    NOW,
    caught_up,
    command,
    eventually,
    order_events,
    place_body,
    query,
    start_orders,
)

pytestmark = pytest.mark.integration


async def fired(runtime: ServiceRuntime) -> int:
    await caught_up(runtime)
    return sum([await s.run_due() for s in runtime.schedulers])


async def test_overdue_deadlines_fire_once_ord_1_ord_2(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        await command(nc, "PlaceOrder", place_body())
        await caught_up(runtime)
        clock.advance(timedelta(minutes=10))
        events = await eventually(lambda: order_events(nc, "o-1"), lambda e: len(e) == 3)
        assert sorted(events[1:]) == ["CustomerContactOverdue", "OrderRefreshOverdue"]
        clock.advance(timedelta(hours=1))
        await fired(runtime)
        assert len(await order_events(nc, "o-1")) == 3
    finally:
        await runtime.stop()


async def test_a_deadline_survives_a_restart_and_fires_once(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    await command(nc, "PlaceOrder", place_body())
    await caught_up(runtime)
    await runtime.stop()
    clock.advance(timedelta(minutes=30))
    restarted = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        events = await eventually(lambda: order_events(nc, "o-1"), lambda e: len(e) == 3)
        assert "OrderRefreshOverdue" in events
        await fired(restarted)
        assert len(await order_events(nc, "o-1")) == 3
    finally:
        await restarted.stop()


async def test_deadlines_are_cancelled_when_the_step_happens_ord_1_ord_2(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        await command(nc, "PlaceOrder", place_body())
        await command(nc, "MarkOrderViewed", {"command_id": "v", "actor": BACKOFFICE, "order_id": "o-1"})
        contact = {"command_id": "c", "actor": BACKOFFICE, "order_id": "o-1", "details_verified": True}
        await command(nc, "RecordCustomerContact", contact)
        await caught_up(runtime)
        clock.advance(timedelta(hours=2))
        assert await fired(runtime) == 0
        assert await order_events(nc, "o-1") == ["OrderPlaced", "OrderViewed", "CustomerContacted"]
    finally:
        await runtime.stop()


async def test_the_queries_answer_from_the_projections(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        await command(nc, "PlaceOrder", place_body("o-1", owner="sales-1"))
        clock.advance(timedelta(minutes=3))
        await command(nc, "PlaceOrder", place_body("o-2", owner="sales-2"))
        await command(nc, "MarkOrderViewed", {"command_id": "v", "actor": BACKOFFICE, "order_id": "o-1"})
        await caught_up(runtime)

        order = await query(nc, "GetOrder", {"order_id": "o-1"})
        assert (order["status"], order["amount"], order["sales_owner"]) == ("Placed", "3020.00", "sales-1")
        assert [h["event_type"] for h in order["history"]] == ["OrderPlaced", "OrderViewed"]
        missing = await request(nc, "orders.queries.GetOrder", b'{"order_id": "nope"}')
        assert missing["error"]["code"] == "not_found"

        page = await query(nc, "ListOrders", {"status": "Placed", "limit": 1})
        assert (page["total"], [o["order_id"] for o in page["orders"]]) == (2, ["o-2"])
        second = await query(nc, "ListOrders", {"status": "Placed", "limit": 1, "offset": 1})
        assert [o["order_id"] for o in second["orders"]] == ["o-1"]
        owned = await query(nc, "ListOrders", {"sales_owner": "sales-2"})
        assert [o["order_id"] for o in owned["orders"]] == ["o-2"]
        later = NOW + timedelta(minutes=1)
        ranged = await query(nc, "ListOrders", {"placed_from": later.isoformat()})
        assert [o["order_id"] for o in ranged["orders"]] == ["o-2"]

        board = await query(nc, "SlaBoard", {})
        assert board["overdue"] == []
        assert [(i["order_id"], i["kind"]) for i in board["upcoming"]] == [
            ("o-1", "contact"),
            ("o-2", "contact"),
            ("o-2", "refresh"),
        ]
        clock.advance(timedelta(minutes=8))
        board = await query(nc, "SlaBoard", {})
        assert [(i["order_id"], i["kind"], i["rule"]) for i in board["overdue"]] == [
            ("o-1", "contact", "ORD-2")
        ]

        sales = await query(nc, "DailySales", {"date_from": "2026-03-01", "date_to": "2026-03-03"})
        assert [(r["sales_owner"], r["net"]) for r in sales["rows"]] == [
            ("sales-1", "3020.00"),
            ("sales-2", "3020.00"),
        ]
        assert sales["days"] == [
            {"day": "2026-03-02", "ordered": "6040.00", "refunded": "0.00", "net": "6040.00"}
        ]
    finally:
        await runtime.stop()


async def test_daily_sales_use_the_business_day_in_shanghai_ord_16(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW.replace(hour=17))  # 01:00 next day in Asia/Shanghai
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        await command(nc, "PlaceOrder", place_body())
        await caught_up(runtime)
        sales = await query(nc, "DailySales", {"date_from": "2026-03-01", "date_to": "2026-03-05"})
        assert [d["day"] for d in sales["days"]] == ["2026-03-03"]
        bad = await request(
            nc, "orders.queries.DailySales", b'{"date_from": "2026-03-05", "date_to": "2026-03-01"}'
        )
        assert bad["error"]["code"] == "invalid"
    finally:
        await runtime.stop()


async def test_the_growing_lists_answer_one_page_at_a_time(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    """SlaBoard's overdue steps and DailySales' rows grow with the business: both are paged with
    their totals, so an answer always fits one NATS message."""
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        for n in range(3):
            await command(nc, "PlaceOrder", place_body(f"o-{n}", owner=f"sales-{n}"))
        await caught_up(runtime)
        clock.advance(timedelta(hours=1))
        first = await query(nc, "SlaBoard", {"limit": 4})
        rest = await query(nc, "SlaBoard", {"limit": 4, "offset": 4})
        assert (first["overdue_total"], len(first["overdue"]), len(rest["overdue"])) == (6, 4, 2)
        seen = [(i["order_id"], i["kind"]) for i in first["overdue"] + rest["overdue"]]
        assert len(set(seen)) == 6

        sales = await query(
            nc, "DailySales", {"date_from": "2026-03-02", "date_to": "2026-03-02", "limit": 2, "offset": 2}
        )
        assert (sales["total"], [r["sales_owner"] for r in sales["rows"]]) == (3, ["sales-2"])
        assert sales["days"] == [
            {"day": "2026-03-02", "ordered": "9060.00", "refunded": "0.00", "net": "9060.00"}
        ]
    finally:
        await runtime.stop()
