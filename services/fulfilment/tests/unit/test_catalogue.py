"""The fulfilment runtime is its own catalogue (decision 0007): both contexts' projections and
reactions derive their durable consumers from their `sources`, and those are the durables
deployed before (FUL-1..FUL-24 read models and reactions keep their place on the streams)."""

from __future__ import annotations

from fulfilment.bootstrap import FulfilmentSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.settings import RuntimeSettings

from .shipping_helpers import NOW

DEPLOYED = {
    (
        "FULFILMENT",
        "fulfilment-shipping-views",
        ("fulfilment.events.Shipment.>", "fulfilment.events.ShippingDay.>"),
    ),
    ("FULFILMENT", "fulfilment-notices", ("fulfilment.events.>",)),
    ("CATALOG", "fulfilment-catalogue-products", ("catalog.events.Product.>",)),  # FUL-4, decision 0011
    ("FULFILMENT", "fulfilment-shipping-flow", ("fulfilment.events.>",)),
    ("ORDERS", "fulfilment-orders-reactions", ("orders.events.>",)),
    ("AFTERSALES", "fulfilment-aftersales-reactions", ("aftersales.events.>",)),
    (
        "FULFILMENT",
        "fulfilment-stock-views",
        (
            "fulfilment.events.StockItem.>",
            "fulfilment.events.LedgerDay.>",
            "fulfilment.events.InventoryMonth.>",
        ),
    ),
    ("FULFILMENT", "fulfilment-stock-shipping", ("fulfilment.events.>",)),
    ("FULFILMENT", "fulfilment-stock-allocations", ("fulfilment.events.StockItem.>",)),
    ("AFTERSALES", "fulfilment-stock-aftersales", ("aftersales.events.>",)),
}


def test_both_contexts_consumers_come_from_the_catalogue_with_their_deployed_durables() -> None:
    runtime = build(
        RuntimeSettings(),
        FulfilmentSettings(database_url="sqlite+aiosqlite:///:memory:"),
        clock=FixedClock(NOW),
        store=InMemoryEventStore("fulfilment"),
    )
    specs = {(s.stream, s.durable, tuple(s.filter_subjects)) for s in runtime.consumer_specs()}
    assert specs == DEPLOYED


def test_every_aggregate_of_both_contexts_is_declared_appended() -> None:
    runtime = build(
        RuntimeSettings(),
        FulfilmentSettings(database_url="sqlite+aiosqlite:///:memory:"),
        clock=FixedClock(NOW),
        store=InMemoryEventStore("fulfilment"),
    )
    assert {a.name for a in runtime.appended} == {
        "Shipment",
        "ShippingDay",
        "DocumentRegister",
        "Product",
        "ReturnParcel",
        "StockItem",
        "StockAllocation",
        "OrderStock",
        "LedgerDay",
        "InventoryMonth",
        "Stocktake",
        "WarehouseLog",
    }
