"""The service's catalogue (decision 0007): every projection and reaction names its source
aggregates, and the durable consumers, streams and filters derived from them are the ones deployed
before (SM-RET, SM-CMP, SM-CUST-FLAG, AS-15, AS-16 views; AS-2, AS-3, AS-11 reactions)."""

from __future__ import annotations

from aftersales.bootstrap import AftersalesSettings, build
from jetstream_es.clock import FixedClock
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.settings import RuntimeSettings

from .helpers import NOW

DEPLOYED = {
    "aftersales-catalogue-products": ("CATALOG", ("catalog.events.Product.>",)),  # AS-7, decision 0011
    "aftersales-refund-views": ("AFTERSALES", ("aftersales.events.RefundCase.>",)),
    "aftersales-order-reactions": ("ORDERS", ("orders.events.Order.>",)),
    "aftersales-payment-reactions": ("ORDERS", ("orders.events.Order.>",)),
    "aftersales-fulfilment-reactions": ("FULFILMENT", ("fulfilment.events.>",)),
    "aftersales-complaint-views": ("AFTERSALES", ("aftersales.events.Complaint.>",)),
    "aftersales-complaint-deadlines": ("AFTERSALES", ("aftersales.events.Complaint.>",)),
    "aftersales-customer-flag-views": ("AFTERSALES", ("aftersales.events.CustomerFlag.>",)),
    "aftersales-review-views": ("AFTERSALES", ("aftersales.events.Review.>",)),
    "aftersales-duty-rota": ("HR", ("hr.events.DutyRota.>",)),  # DUTY-1
}


def test_the_consumers_derived_from_the_sources_are_the_deployed_ones() -> None:
    runtime = build(
        RuntimeSettings(), AftersalesSettings(), clock=FixedClock(NOW), store=InMemoryEventStore("aftersales")
    )
    specs = {s.durable: (s.stream, tuple(s.filter_subjects)) for s in runtime.consumer_specs()}
    assert specs == DEPLOYED


def test_the_service_declares_the_six_aggregates_it_appends() -> None:
    runtime = build(
        RuntimeSettings(), AftersalesSettings(), clock=FixedClock(NOW), store=InMemoryEventStore("aftersales")
    )
    assert sorted(a.name for a in runtime.appended) == [
        "Complaint",
        "CustomerContact",
        "CustomerFlag",
        "OrderFacts",
        "RefundCase",
        "Review",
    ]
