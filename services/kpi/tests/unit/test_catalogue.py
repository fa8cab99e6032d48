"""The KPI service's catalogue (decision 0007, issue 19): what it appends, its commands and
queries, and its durable consumers (orders' and after-sales' events for ORD-16 and KPI-1, its own
figures)."""

from __future__ import annotations

from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.settings import RuntimeSettings
from kpi.bootstrap import SPEC, KpiSettings, build
from kpi.wiring import COMMANDS, QUERIES
from shop_contracts.subjects import SERVICES, STREAMS

DEPLOYED = {
    "kpi-orders": ("ORDERS", ("orders.events.Order.>",)),
    "kpi-aftersales": (
        "AFTERSALES",
        (
            "aftersales.events.RefundCase.>",
            "aftersales.events.Complaint.>",
            "aftersales.events.Review.>",
            "aftersales.events.CustomerContact.>",
        ),
    ),
    "kpi-figures": ("KPI", ("kpi.events.MonthPay.>", "kpi.events.Appraisal.>")),
    "kpi-rhythm": ("KPI", ("kpi.events.MonthPlan.>", "kpi.events.Report.>", "kpi.events.DailyLogin.>")),
}


def test_ord16_kpi1_the_durable_consumers_0007() -> None:
    assert {c.durable: (c.stream, c.filter_subjects) for c in SPEC.consumers} == DEPLOYED


def test_the_runtime_lists_what_kpi_appends_its_commands_and_queries_0007() -> None:
    runtime = build(RuntimeSettings(), KpiSettings(), store=InMemoryEventStore("kpi"))
    try:
        assert [a.name for a in runtime.appended] == [
            "MonthPlan",
            "MonthPay",
            "Appraisal",
            "Task",
            "Training",
            "Report",
            "DailyLogin",
        ]
        assert set(runtime.command_handlers) == set(COMMANDS)
        assert set(QUERIES) <= set(runtime.query_handlers)
        assert {c.durable for c in runtime.consumer_specs()} == set(DEPLOYED)
    finally:
        runtime.engine.sync_engine.dispose()


def test_kpi_is_a_service_with_its_own_stream() -> None:
    assert "kpi" in SERVICES
    assert STREAMS["kpi"] == "KPI"
