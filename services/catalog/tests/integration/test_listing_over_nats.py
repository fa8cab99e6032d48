"""The catalogue service over a real nats-server with real tokens (issue 19): a product through the
whole listing flow by its roles (SM-LIST, CAT-1, CAT-6, CAT-8), a refusal that appends nothing
(CAT-1), the catalogue view answering ListProducts, fulfilment's failed inspection delisting it
(CAT-5), and orders' events feeding the sales per product (CAT-10)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from catalog.bootstrap import CatalogSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import ask, caught_up, eventually, publish_event, send_command
from jetstream_es.testing.identity import session_identity
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.events.orders import OrderLine, OrderPlaced, ShippingAddress
from shop_contracts.events.stock import LotInspectionRecorded

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SUPERVISOR = {"id": "e-sup", "roles": ["dept_supervisor"]}
MANAGER = {"id": "e-mgr", "roles": ["dept_manager"]}
ARTIST = {"id": "e-art", "roles": ["web_artist"]}
TECHNICIAN = {"id": "e-tech", "roles": ["technician"]}
SALES = {"id": "e-sales", "roles": ["sales_staff"]}
IMAGE = {"ref": "img/front.jpg", "kind": "image", "size_bytes": 120000}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    runtime = build(
        RuntimeSettings(nats_url=nats_server.url, connect_timeout=2, **session_identity().settings()),
        CatalogSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}"),
        clock=FixedClock(NOW),
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # from the catalogue (0007)
    await runtime.start()
    yield runtime
    await runtime.stop()


_ids = iter(range(1, 1_000_000))


async def command(nc: Client, command_name: str, actor: dict[str, Any], /, **body: Any) -> dict[str, Any]:
    return await send_command(
        nc, "catalog", command_name, {"command_id": f"c-{next(_ids)}", "actor": actor, **body}
    )


async def types(nc: Client, sku: str) -> list[str]:
    store = JetStreamEventStore(nc, "catalog")
    try:
        return [e.event_type for e in await store.read("Product", sku)]
    finally:
        await store.close()


async def list_tee(nc: Client, sku: str = "TEE-1") -> None:
    steps: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        (
            "SelectProduct",
            SUPERVISOR,
            {"name": "Navy tee", "category": "apparel", "positioning": "summer basics"},
        ),
        ("RecordSellingPoints", SALES, {"selling_points": ["soft cotton"]}),
        ("RecordPhotography", SUPERVISOR, {"images": [IMAGE], "with_staff": ["e-photo"]}),
        ("RetouchImages", TECHNICIAN, {"images": [IMAGE]}),
        ("ReviewProductImages", MANAGER, {"decision": "approve"}),
        (
            "EditDetailPage",
            ARTIST,
            {
                "name": "Navy cotton tee",
                "specifications": {"material": "cotton", "sizes": "S,M,L", "colour": "navy"},
                "accessories": ["spare button"],
            },
        ),
        ("ApproveLaunch", MANAGER, {}),
        ("SetPrice", SUPERVISOR, {"price": "59.00"}),
        ("ListProduct", SUPERVISOR, {}),
    ]
    for name, actor, body in steps:
        reply = await command(nc, name, actor, sku=sku, **body)
        assert reply["ok"], (name, reply)


async def test_sm_list_a_product_is_listed_through_every_step_and_read_back(
    service: ServiceRuntime, nc: Client
) -> None:
    await list_tee(nc)
    product = await ask(nc, "catalog", "GetProduct", {"sku": "TEE-1"}, actor=SALES)
    assert (product["state"], product["price"], product["accessories"], product["is_new"]) == (
        "listed",
        "59.00",
        ["spare button"],
        True,
    )
    listed = await eventually(
        lambda: ask(nc, "catalog", "ListProducts", {"state": "listed"}, actor=SALES),
        lambda r: r["total"] == 1,
    )
    assert listed["products"][0]["sku"] == "TEE-1"


async def test_cat1_images_approved_by_anyone_but_the_manager_are_forbidden_and_append_nothing(
    service: ServiceRuntime, nc: Client
) -> None:
    assert (
        await command(
            nc, "SelectProduct", SUPERVISOR, sku="TEE-2", name="x", category="apparel", positioning="y"
        )
    )["ok"]
    reply = await command(nc, "ReviewProductImages", SUPERVISOR, sku="TEE-2", decision="approve")
    assert (reply["error"]["code"], reply["error"]["rule"]) == ("forbidden", "CAT-1")
    bad = await command(nc, "SetPrice", SUPERVISOR, sku="TEE-2", price="59.00", reference_price="99.00")
    assert (bad["error"]["code"], bad["error"]["rule"]) == ("invalid", "CAT-11")
    assert bad["error"]["details"][0]["field"] == "reference_price"
    assert await types(nc, "TEE-2") == ["ProductSelected"]


async def test_cat5_a_failed_inspection_in_fulfilment_delists_the_product(
    service: ServiceRuntime, nc: Client
) -> None:
    await list_tee(nc)
    failed = LotInspectionRecorded(
        sku="TEE-1", lot_no="L-9", inspection="failed", inspector="e-keeper", note="torn", inspected_at=NOW
    )
    await publish_event(nc, "fulfilment", "StockItem", "TEE-1", failed, "lot-9-failed", occurred_at=NOW)
    product = await eventually(
        lambda: ask(nc, "catalog", "GetProduct", {"sku": "TEE-1"}, actor=SALES),
        lambda p: p["state"] == "delisted",
    )
    assert (product["delist_reason"], product["inspection"]) == ("failed_inspection", "failed")
    reply = await command(nc, "RelistProduct", SUPERVISOR, sku="TEE-1")
    assert reply["error"]["rule"] == "CAT-5"


async def test_cat10_orders_feed_the_sales_per_listed_product(service: ServiceRuntime, nc: Client) -> None:
    await list_tee(nc)
    line = OrderLine(sku="TEE-1", quantity=3, unit_price=Decimal("59.00"))
    placed = OrderPlaced(
        order_id="o-1",
        lines=(line,),
        amount=Decimal("177.00"),
        buyer_id="b-1",
        shipping=ShippingAddress(recipient="Li", phone="13800000000", address="Shanghai"),
        channel="tmall",
        sales_owner="e-sales",
        placed_at=NOW,
    )
    await publish_event(nc, "orders", "Order", "o-1", placed, "o-1-placed", occurred_at=NOW)
    await caught_up(service)
    sales = await eventually(
        lambda: ask(nc, "catalog", "ProductSales", {}, actor=SUPERVISOR),
        lambda r: bool(r["products"]) and r["products"][0]["units"] == 3,
    )
    assert sales["products"][0]["amount"] == "177.00"
