"""The catalogue service's catalogue (decision 0007, issue 19): what it appends, its commands, its
queries and its durable consumers (the catalogue, deadline and inspection consumers of CAT-3, CAT-5
and SM-LIST on CATALOG and FULFILMENT, the sales view of CAT-10 on ORDERS)."""

from __future__ import annotations

from catalog.bootstrap import SPEC, CatalogSettings, build
from catalog.domain.roles import COMMAND_ROLES, LISTING_COMMANDS
from catalog.wiring import COMMANDS
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.settings import RuntimeSettings
from shop_contracts.queries.catalog import GetProduct, ListProducts, ProductSales
from shop_contracts.subjects import SERVICES, STREAMS

DEPLOYED = {
    "catalog-products": ("CATALOG", ("catalog.events.Product.>",)),
    "catalog-listing-deadlines": ("CATALOG", ("catalog.events.Product.>",)),
    "catalog-sales": ("ORDERS", ("orders.events.Order.>",)),
    "catalog-inspections": ("FULFILMENT", ("fulfilment.events.StockItem.>",)),
}


def test_sm_list_the_durable_consumers_0007() -> None:
    assert {c.durable: (c.stream, c.filter_subjects) for c in SPEC.consumers} == DEPLOYED


def test_the_runtime_lists_what_the_catalogue_appends_its_commands_and_queries_0007() -> None:
    runtime = build(RuntimeSettings(), CatalogSettings(), store=InMemoryEventStore("catalog"))
    try:
        assert [a.name for a in runtime.appended] == ["Product"]
        assert set(runtime.command_handlers) == set(COMMANDS)
        assert {GetProduct, ListProducts, ProductSales} <= set(runtime.query_handlers)
        assert {c.durable for c in runtime.consumer_specs()} == set(DEPLOYED)
    finally:
        runtime.engine.sync_engine.dispose()


def test_cat8_every_command_has_its_roles_and_listing_has_its_own_setting() -> None:
    names = {m.command_name for m in COMMANDS}
    assert names == set(COMMAND_ROLES) | set(LISTING_COMMANDS)
    assert not set(COMMAND_ROLES) & set(LISTING_COMMANDS)


def test_catalog_is_a_service_with_its_own_stream() -> None:
    assert "catalog" in SERVICES
    assert STREAMS["catalog"] == "CATALOG"
