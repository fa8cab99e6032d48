"""The Fulfilment service started through `bootstrap.build` against a real nats-server, and the
helpers the stock ledger's integration tests share: request/reply, foreign events, stream reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nats.aio.client import Client

from fulfilment.bootstrap import FulfilmentSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import caught_up, eventually, publish_event
from jetstream_es.testing.identity import session_identity
from shop_contracts.events.fulfilment import OrderQueuedForShipping, ShipmentLine, ShipmentStamped
from shop_contracts.messages import EventData

from .shipping_helpers import command, query, request

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai, a Monday
TODAY = "2026-03-02"
KEEPER = {"id": "keeper-1", "roles": ["warehouse_keeper"]}
LABEL = {
    "name": "55-inch television",
    "specification": "4K UHD",
    "model": "TV-55X",
    "production_date": "2026-01-10",
    "shelf_life_days": 3650,
    "safety_warning": "high voltage inside",
}


async def start_fulfilment(url: str, nc: Client, db: Path, clock: FixedClock, **stock: Any) -> ServiceRuntime:
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2, **session_identity().settings()),
        FulfilmentSettings(
            database_url=f"sqlite+aiosqlite:///{db}", documents_dir=str(db.parent / "docs"), **stock
        ),
        clock=clock,
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # the built catalogue's
    await runtime.start()
    return runtime


def receive_body(lot_no: str, quantity: int, sku: str = "TV-55", **overrides: Any) -> dict[str, Any]:
    return {
        "command_id": f"receive-{sku}-{lot_no}",
        "actor": KEEPER,
        "sku": sku,
        "lot_no": lot_no,
        "supplier": "Haier",
        "delivery_note_no": f"DN-{lot_no}",
        "note_name": "55-inch television",
        "note_quantity": quantity,
        "received_name": "55-inch television",
        "received_quantity": quantity,
        "label": LABEL,
        "inspection": "passed",
        **overrides,
    }


def queued(shipment_id: str, order_id: str, quantity: int, sku: str = "TV-55") -> OrderQueuedForShipping:
    return OrderQueuedForShipping(
        shipment_id=shipment_id,
        order_id=order_id,
        batch_date=date(2026, 3, 2),
        lines=(ShipmentLine(sku=sku, quantity=quantity),),
        logistics_method="SF Express",
        queued_at=NOW,
    )


def stamped(shipment_id: str, order_id: str) -> ShipmentStamped:
    return ShipmentStamped(
        shipment_id=shipment_id,
        order_id=order_id,
        outbound_note_no=f"ON-{shipment_id}",
        waybill_no=f"WB-{shipment_id}",
        keeper="keeper-1",
        stamped_at=NOW,
    )


async def publish(
    nc: Client, service: str, aggregate: str, aggregate_id: str, data: EventData, event_id: str
) -> None:
    await publish_event(nc, service, aggregate, aggregate_id, data, event_id, occurred_at=NOW)


async def events_of(nc: Client, aggregate: str, aggregate_id: str) -> list[str]:
    store = JetStreamEventStore(nc, "fulfilment")
    try:
        return [e.event_type for e in await store.read(aggregate, aggregate_id)]
    finally:
        await store.close()


async def levels(nc: Client, sku: str = "TV-55", *, all_lots: bool = True) -> dict[str, Any]:
    result = await query(nc, "StockLevels", {"sku": sku, "all_lots": all_lots})
    items: list[dict[str, Any]] = result["items"]
    return items[0] if items else {}


__all__ = ["caught_up", "command", "eventually", "query", "request"]
