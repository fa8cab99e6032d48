"""The runtime as the service's one catalogue (decision 0007): a projection names its source
aggregates once; its stream, filter, durable and consumer spec derive from them; provisioning
and the AsyncAPI documents read the consumers from the built runtime."""

from __future__ import annotations

from typing import ClassVar

import pytest
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.aggregate import AggregateType
from jetstream_es.asyncapi import build_document
from jetstream_es.events import EventRegistry
from jetstream_es.projection.base import ApplyContext, Decoded, Projection, Tables
from jetstream_es.provision import ConsumerSpec, ServiceSpec
from jetstream_es.testing.sample import (
    COUNTER,
    SAMPLE_CONSUMER,
    SAMPLE_COUNTER,
    CounterState,
    CounterTotals,
    evolve,
    registry,
    sample_runtime,
)
from shop_contracts import aggregates
from shop_contracts.aggregates import ORDERS_ORDER, ORDERS_ORDER_BACKUP, AggregateRef, whole_stream


class _Tableless(Projection):
    handles: ClassVar[frozenset[str]] = frozenset()

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        return None


def test_sources_give_stream_filter_and_durable_0007() -> None:
    class Views(_Tableless):
        name = "orders_views"
        sources = (ORDERS_ORDER, ORDERS_ORDER_BACKUP)

    assert Views.stream == "ORDERS"
    assert Views.filter_subjects == ("orders.events.Order.>", "orders.events.OrderBackup.>")
    assert Views.durable_for("orders") == "orders-views"  # today's durable name, kept
    assert Views.consumer_spec("orders") == ConsumerSpec(
        "ORDERS", "orders-views", ("orders.events.Order.>", "orders.events.OrderBackup.>")
    )


def test_a_short_name_gets_the_service_prefix_and_a_durable_can_be_named_0007() -> None:
    class Risk(_Tableless):
        name = "buyer_risk"
        sources = (aggregates.AFTERSALES_CUSTOMER_FLAG,)

    class Legacy(_Tableless):
        name = "odd_name"
        durable = "orders-legacy"
        sources = (ORDERS_ORDER,)

    assert Risk.durable_for("orders") == "orders-buyer-risk"
    assert Risk.stream == "AFTERSALES"
    assert Legacy.durable_for("orders") == "orders-legacy"


def test_sources_on_two_streams_are_refused_when_the_class_is_made_0007() -> None:
    with pytest.raises(TypeError, match="one stream"):

        class Mixed(_Tableless):
            name = "mixed"
            sources = (ORDERS_ORDER, aggregates.FULFILMENT_SHIPMENT)


def test_a_narrower_or_whole_stream_filter_may_be_declared_0007() -> None:
    class Few(_Tableless):
        name = "few"
        sources = (aggregates.FULFILMENT_SHIPMENT, aggregates.FULFILMENT_SHIPPING_DAY)
        filter_subjects = (whole_stream("fulfilment"),)

    assert Few.stream == "FULFILMENT"
    assert Few.filter_subjects == ("fulfilment.events.>",)
    with pytest.raises(TypeError, match="not on stream FULFILMENT"):

        class Elsewhere(_Tableless):
            name = "elsewhere"
            sources = (aggregates.FULFILMENT_SHIPMENT,)
            filter_subjects = ("orders.events.Order.>",)


def test_sources_must_be_aggregate_refs_0007() -> None:
    with pytest.raises(TypeError, match="AggregateRef"):

        class Strings(_Tableless):
            name = "strings"
            sources = ("orders.Order",)  # type: ignore[assignment]


def test_a_subclass_inherits_its_parents_sources_0007() -> None:
    class Base(_Tableless):
        name = "base"
        sources = (ORDERS_ORDER,)

    class Child(Base):
        name = "child"

    assert Child.stream == "ORDERS"
    assert Child.filter_subjects == ("orders.events.Order.>",)


def test_every_service_aggregate_has_one_ref_0007() -> None:
    names = [(r.service, r.name) for r in aggregates.ALL]
    assert len(names) == len(set(names))
    assert ("orders", "Order") in names
    assert ("hr", "CompTimeAccount") in names
    with pytest.raises(ValueError, match="subject tokens"):
        AggregateRef("orders", "Or.der")


def test_an_aggregate_type_is_built_from_its_ref_0007() -> None:
    assert COUNTER.ref == SAMPLE_COUNTER
    assert COUNTER.name == "Counter"
    with pytest.raises(ValueError, match="ref of"):
        AggregateType("Other", EventRegistry([]), CounterState, evolve, SAMPLE_COUNTER)


def test_the_runtime_lists_its_consumers_and_appended_aggregates_0007() -> None:
    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:", reactions=True)
    try:
        specs = {c.durable: c for c in runtime.consumer_specs()}
        assert specs[SAMPLE_CONSUMER] == ConsumerSpec(
            "SAMPLE", "sample-counter-totals", ("sample.events.Counter.>",), ack_wait_s=1.0
        )
        assert specs["sample-increment-on-open"].stream == "OTHER"
        assert [a.name for a in runtime.appended] == ["Counter"]  # from runtime.aggregates(COUNTER)
        assert runtime.aggregates(COUNTER) is runtime.aggregates(COUNTER)
        with pytest.raises(ValueError, match="wired twice"):
            runtime.projection(CounterTotals(registry))
    finally:
        runtime.engine.sync_engine.dispose()


def test_a_projection_without_sources_is_refused_when_wired_0007() -> None:
    class Sourceless(CounterTotals):
        name = "sourceless"

    Sourceless.sources = ()  # as a class that never declared them

    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:", totals=False)
    try:
        with pytest.raises(TypeError, match="names no `sources`"):
            runtime.projection(Sourceless(registry))
    finally:
        runtime.engine.sync_engine.dispose()


def test_a_service_spec_reads_its_consumers_from_the_built_runtime_0007() -> None:
    spec = ServiceSpec("sample", "jetstream_es", bootstrap="jetstream_es.testing.sample:build")
    assert {c.durable for c in spec.consumers} == {"sample-counter-totals", "sample-increment-on-open"}


def test_the_asyncapi_document_describes_the_catalogues_consumers_0007() -> None:
    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:", reactions=True)
    try:
        doc = build_document(runtime, ServiceSpec("sample", "jetstream_es"))
    finally:
        runtime.engine.sync_engine.dispose()
    assert "consumer.sample-increment-on-open" in doc["channels"]
    assert doc["channels"]["consumer.sample-counter-totals"]["address"] == "sample.events.Counter.>"


def test_an_aggregates_cache_size_is_set_by_its_first_declaration_0007() -> None:
    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:", totals=False)
    try:
        gauge = AggregateType("Gauge", EventRegistry([]), CounterState, evolve)
        weeks = runtime.aggregates(gauge, cache_size=64)
        assert weeks._cache == 64
        assert runtime.aggregates(COUNTER)._cache == runtime.settings.aggregate_cache_size
        assert [a.name for a in runtime.appended] == ["Counter", "Gauge"]
        with pytest.raises(ValueError, match="two aggregate types named 'Gauge'"):
            runtime.aggregates(AggregateType("Gauge", EventRegistry([]), CounterState, evolve))
    finally:
        runtime.engine.sync_engine.dispose()
