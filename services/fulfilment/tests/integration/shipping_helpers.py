"""The Fulfilment service started through `bootstrap.build` against a real nats-server, and the
helpers the shipping integration tests share: request/reply, orders' events, stream reads."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from nats.aio.client import Client

from fulfilment.bootstrap import FulfilmentSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import ask, caught_up, eventually, publish_event, request, send_command
from jetstream_es.testing.identity import session_identity
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    OrderConfirmed,
    OrderLine,
    OrderPaid,
    OrderPlaced,
    ShippingAddress,
)
from shop_contracts.messages import EventData

MORNING = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai, a Monday
CUTOFF = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 14:00 Asia/Shanghai
DAY = "2026-03-02"
CLERK = {"id": "clerk-1", "roles": ["order_clerk"]}
KEEPER = {"id": "keeper-1", "roles": ["warehouse_keeper"]}


async def start_fulfilment(
    url: str, nc: Client, db: Path, clock: FixedClock, documents: Path | None = None
) -> ServiceRuntime:
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2, **session_identity().settings()),
        FulfilmentSettings(
            database_url=f"sqlite+aiosqlite:///{db}", documents_dir=str(documents) if documents else None
        ),
        clock=clock,
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # the built catalogue's
    await runtime.start()
    return runtime


async def command(nc: Client, name: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    return await send_command(nc, "fulfilment", name, body)


async def query(nc: Client, name: str, body: dict[str, Any]) -> Any:
    return await ask(nc, "fulfilment", name, body)


async def publish_order_facts(nc: Client, order_id: str, at: datetime) -> None:
    """OrderPlaced, OrderPaid, BuyerRemarkRecorded and OrderConfirmed as orders publishes them."""
    facts: list[EventData] = [
        OrderPlaced(
            order_id=order_id,
            lines=(OrderLine(sku="TV-55", quantity=1, unit_price=Decimal("2999.00"), size="55in"),),
            amount=Decimal("2999.00"),
            buyer_id="buyer-9",
            shipping=ShippingAddress(recipient="王小明", phone="13800000000", address="上海市浦東新區"),
            channel="tmall",
            sales_owner="sales-1",
            placed_at=at,
        ),
        OrderPaid(
            order_id=order_id, amount=Decimal("2999.00"), payee_account="CN-1", payment_ref="p-1", paid_at=at
        ),
        BuyerRemarkRecorded(order_id=order_id, logistics_method="SF-Express", recorded_by="sales-1"),
        OrderConfirmed(order_id=order_id, confirmed_by="bo-1", confirmed_at=at),
    ]
    for version, fact in enumerate(facts, start=1):
        await publish_event(
            nc, "orders", "Order", order_id, fact, f"{order_id}-{version}", occurred_at=at, version=version
        )


async def stock_in(nc: Client, sku: str, quantity: int) -> None:
    """Inspected stock received through the stock ledger, so queued shipments get it reserved."""
    reply = await command(
        nc,
        "ReceiveInbound",
        {
            "command_id": f"in-{sku}",
            "actor": KEEPER,
            "sku": sku,
            "lot_no": f"L-{sku}",
            "supplier": "廠商",
            "delivery_note_no": f"DN-{sku}",
            "note_name": sku,
            "note_quantity": quantity,
            "received_name": sku,
            "received_quantity": quantity,
            "label": {
                "name": sku,
                "specification": "55in",
                "model": sku,
                "production_date": "2026-01-01",
                "shelf_life_days": 3650,
                "safety_warning": "小心輕放",
            },
            "inspection": "passed",
        },
    )
    assert reply["ok"], reply


async def stream_types(nc: Client, aggregate: str, aggregate_id: str) -> list[str]:
    store = JetStreamEventStore(nc, "fulfilment")
    try:
        return [e.event_type for e in await store.read(aggregate, aggregate_id)]
    finally:
        await store.close()


async def shipments_in(nc: Client, status: str, count: int, within: float = 10.0) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        result = await query(nc, "ListShipments", {"status": status})
        shipments: list[dict[str, Any]] = result["shipments"]
        return shipments

    return await eventually(probe, lambda rows: len(rows) >= count, within)


async def day_lists(nc: Client, batch_date: str, count: int) -> dict[str, Any]:
    """The shipping day once `count` shipments joined it (the reaction runs after the queueing)."""

    async def probe() -> dict[str, Any]:
        return await request(nc, "fulfilment.queries.GetShippingDay", {"batch_date": batch_date})

    reply = await eventually(probe, lambda r: r["ok"] and r["result"]["total"] >= count)
    day: dict[str, Any] = reply["result"]
    return day


__all__ = ["caught_up", "eventually", "request"]
