"""Fulfilment's stock signals shown on the order (ORD-10, FUL-20): a shortage names the sku with
what was requested and what is available, a later reservation clears it, a redelivered older
signal changes nothing, and a replay rebuilds the same view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.stock import ReservedLot, ShortLine, StockReserved, StockShortage

from .helpers import NOW, caught_up, command, place_body, publish_foreign, query, request, start_orders

pytestmark = pytest.mark.integration

SHORTAGE = StockShortage(
    shipment_id="shp-o-1",
    order_id="o-1",
    short=(ShortLine(sku="SKU-1", requested=2, available=1),),
    detected_at=NOW,
)
RESERVED = StockReserved(
    shipment_id="shp-o-1",
    order_id="o-1",
    lots=(ReservedLot(sku="SKU-1", lot_no="L-2", quantity=2),),
    reserved_at=NOW,
)


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_orders(nats_server.url, nc, tmp_path / "orders.db", FixedClock(NOW))
    assert (await command(nc, "PlaceOrder", place_body("o-1")))["ok"]
    yield runtime
    await runtime.stop()


async def stock(nc: Client) -> object:
    return (await query(nc, "GetOrder", {"order_id": "o-1"}))["stock"]


async def test_a_shortage_shows_on_the_order_until_the_stock_is_reserved_ord_10(
    service: ServiceRuntime, nc: Client
) -> None:
    await caught_up(service)
    assert await stock(nc) is None

    await publish_foreign(nc, "fulfilment", "StockAllocation", SHORTAGE, "alloc-1", version=1)
    await caught_up(service)
    assert await stock(nc) == {
        "status": "short",
        "shipment_id": "shp-o-1",
        "short": [{"sku": "SKU-1", "requested": 2, "available": 1}],
        "at": NOW.isoformat(),
    }

    await publish_foreign(nc, "fulfilment", "StockAllocation", RESERVED, "alloc-2", version=2)
    await caught_up(service)
    assert await stock(nc) == {
        "status": "reserved",
        "shipment_id": "shp-o-1",
        "short": [],
        "at": NOW.isoformat(),
    }


async def test_an_older_signal_delivered_late_changes_nothing_and_a_replay_keeps_the_view(
    service: ServiceRuntime, nc: Client
) -> None:
    await publish_foreign(nc, "fulfilment", "StockAllocation", SHORTAGE, "alloc-1", version=1)
    await publish_foreign(nc, "fulfilment", "StockAllocation", RESERVED, "alloc-2", version=2)
    await caught_up(service)
    await publish_foreign(nc, "fulfilment", "StockAllocation", SHORTAGE, "alloc-1b", version=1)
    await caught_up(service)
    assert (await stock(nc))["status"] == "reserved"  # type: ignore[index]

    reply = await request(
        nc, "orders.admin.ReplayProjection", {"projection": "orders_stock_signals", "from_seq": 1}
    )
    assert reply["ok"], reply
    assert (await stock(nc))["status"] == "reserved"  # type: ignore[index]
    assert (await nc.jetstream().stream_info("DLQ")).state.messages == 0
