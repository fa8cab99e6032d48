"""The Orders service started through `bootstrap.build` against a real nats-server, and the
helpers its integration tests share: request/reply, stream reads, foreign events, polling."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.catalogue import list_products, listed
from jetstream_es.testing.harness import ask, caught_up, eventually, publish_event, request, send_command
from jetstream_es.testing.identity import session_identity
from orders.bootstrap import OrdersSettings, build
from shop_contracts.messages import EventData

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ACCOUNT = "CN-ICBC-0001"
PLATFORM = {"id": "tmall", "roles": ["platform"]}
BACKOFFICE = {"id": "bo-1", "roles": ["backoffice_order_staff"]}
AFTERSALES = {"id": "as-1", "roles": ["aftersales_cs"]}
CATALOGUE = (listed("TV-55", "2999.00"), listed("CABLE", "10.50"))
"""The products `place_body` orders, listed by the catalogue (CAT-7)."""


async def start_orders(url: str, nc: Client, db: Path, clock: FixedClock, **settings: Any) -> ServiceRuntime:
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2, **session_identity().settings()),
        OrdersSettings(database_url=f"sqlite+aiosqlite:///{db}", company_accounts=[ACCOUNT], **settings),
        clock=clock,
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # from the catalogue (0007)
    await runtime.start()
    await list_products(nc, *CATALOGUE)  # orders sells only listed products (CAT-7)
    await caught_up(runtime)
    return runtime


async def command(nc: Client, name: str, body: dict[str, Any] | bytes) -> dict[str, Any]:
    return await send_command(nc, "orders", name, body)


async def query(nc: Client, name: str, body: dict[str, Any]) -> Any:
    return await ask(nc, "orders", name, body)


def place_body(
    order_id: str = "o-1", command_id: str | None = None, owner: str = "sales-1"
) -> dict[str, Any]:
    return {
        "command_id": command_id or f"place-{order_id}",
        "actor": PLATFORM,
        "order_id": order_id,
        "lines": [
            {"sku": "TV-55", "quantity": 1, "unit_price": "2999.00"},
            {"sku": "CABLE", "quantity": 2, "unit_price": "10.50"},
        ],
        "buyer_id": "buyer-9",
        "shipping": {"recipient": "Li Lei", "phone": "13800000000", "address": "1 Nanjing Rd"},
        "channel": "tmall",
        "sales_owner": owner,
    }


async def confirmed_order(nc: Client, order_id: str = "o-1") -> None:
    steps: list[tuple[str, dict[str, Any]]] = [
        ("PlaceOrder", place_body(order_id)),
        (
            "RecordPayment",
            {"actor": PLATFORM, "amount": "3020.00", "payee_account": ACCOUNT, "payment_ref": "alipay-1"},
        ),
        ("RecordCustomerContact", {"actor": BACKOFFICE, "details_verified": True}),
        ("ConfirmOrder", {"actor": BACKOFFICE}),
    ]
    for name, body in steps:
        reply = await command(nc, name, {"command_id": f"{name}-{order_id}", "order_id": order_id, **body})
        assert reply["ok"], reply


async def order_events(nc: Client, order_id: str) -> list[str]:
    store = JetStreamEventStore(nc, "orders")
    try:
        return [e.event_type for e in await store.read("Order", order_id)]
    finally:
        await store.close()


async def publish_foreign(
    nc: Client, service: str, aggregate: str, data: EventData, event_id: str, version: int = 1
) -> None:
    """Another service's event, keyed as its owner keys it (case, customer or shipment)."""
    aggregate_id = str(
        getattr(data, "case_id", None) or getattr(data, "customer_id", None) or data.shipment_id
    )
    await publish_event(
        nc, service, aggregate, aggregate_id, data, event_id, occurred_at=NOW, version=version
    )


__all__ = ["caught_up", "eventually", "request"]
