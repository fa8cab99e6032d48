"""Orders' catalogue (decision 0007): the projections and reactions declare their source
aggregates and the runtime derives their durable consumers from them, keeping today's durable
names, streams and filters so the deployed consumers and their checkpoints survive (SM-ORD)."""

from __future__ import annotations

from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.settings import RuntimeSettings
from orders.bootstrap import SPEC, OrdersSettings, build
from orders.wiring import COMMANDS

DEPLOYED = {
    "orders-views": ("ORDERS", ("orders.events.Order.>",)),
    "orders-deadlines": ("ORDERS", ("orders.events.Order.>",)),
    "orders-backup-deadlines": ("ORDERS", ("orders.events.Order.>", "orders.events.OrderBackup.>")),
    "orders-fulfilment-reactions": ("FULFILMENT", ("fulfilment.events.>",)),
    "orders-aftersales-reactions": ("AFTERSALES", ("aftersales.events.>",)),
    "orders-buyer-risk": ("AFTERSALES", ("aftersales.events.CustomerFlag.>",)),
    "orders-stock-signals": ("FULFILMENT", ("fulfilment.events.StockAllocation.>",)),
    "orders-catalogue-products": ("CATALOG", ("catalog.events.Product.>",)),  # CAT-7
    "orders-duty-rota": ("HR", ("hr.events.DutyRota.>",)),  # DUTY-1
}


def test_the_durable_consumers_keep_their_names_streams_and_filters_0007() -> None:
    assert {c.durable: (c.stream, c.filter_subjects) for c in SPEC.consumers} == DEPLOYED


def test_the_runtime_lists_what_orders_appends_and_a_handler_for_every_command_0007() -> None:
    runtime = build(RuntimeSettings(), OrdersSettings(), store=InMemoryEventStore("orders"))
    try:
        assert [a.name for a in runtime.appended] == ["Order", "OrderBackup"]
        assert set(runtime.command_handlers) == set(COMMANDS)
        assert {c.durable for c in runtime.consumer_specs()} == set(DEPLOYED)
    finally:
        runtime.engine.sync_engine.dispose()
