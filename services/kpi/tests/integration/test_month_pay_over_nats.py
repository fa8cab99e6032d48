"""The KPI service over a real nats-server (issue 19; ORD-16, KPI-2..KPI-5): orders' and
after-sales' events reach the sales views through the service's own durable consumers, targets set
before the 30th, the month's pay computed after the month from net sales after refunds and
published as events on the KPI stream, a repeat appending nothing, the queries answering."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import ask, caught_up, publish_event, request, send_command
from jetstream_es.testing.identity import session_identity
from jetstream_es.testing.nats_server import NatsServer
from kpi.bootstrap import KpiSettings, build
from shop_contracts.events.aftersales import RefundIssued
from shop_contracts.events.orders import OrderLine, OrderPlaced, ShippingAddress
from shop_contracts.subjects import query_subject

pytestmark = pytest.mark.integration

MARCH_20 = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 10, 4, 0, tzinfo=UTC)
MAY_1 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
SUPERVISOR = {"id": "sup-1", "roles": ["dept_supervisor"]}
CLERK = {"id": "clerk-1", "roles": ["order_clerk"]}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MARCH_20)


@pytest.fixture
async def service(
    nats_server: NatsServer, nc: Client, tmp_path: Path, clock: FixedClock
) -> AsyncIterator[ServiceRuntime]:
    runtime = build(
        RuntimeSettings(nats_url=nats_server.url, connect_timeout=2, **session_identity().settings()),
        KpiSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'kpi.db'}"),
        clock=clock,
    )
    await provision(nc, shop_streams(), list(runtime.consumer_specs()))  # from the catalogue (0007)
    await runtime.start()
    yield runtime
    await runtime.stop()


def placed(order: str, owner: str, amount: str) -> OrderPlaced:
    return OrderPlaced(
        order_id=order,
        lines=(OrderLine(sku="SKU-1", quantity=1, unit_price=Decimal(amount)),),
        amount=Decimal(amount),
        buyer_id="buyer-1",
        shipping=ShippingAddress(recipient="李雷", phone="13800000000", address="上海市"),
        channel="taobao",
        sales_owner=owner,
        placed_at=APRIL,
    )


async def kpi_types(nc: Client, aggregate: str, aggregate_id: str) -> list[str]:
    store = JetStreamEventStore(nc, "kpi")
    try:
        return [e.event_type for e in await store.read(aggregate, aggregate_id)]
    finally:
        await store.close()


async def command(nc: Client, name: str, body: dict[str, Any]) -> dict[str, Any]:
    return await send_command(nc, "kpi", name, body)


async def test_a_month_of_sales_after_refunds_becomes_performance_pay_and_commission_kpi_2_kpi_5_ord_16(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    for i, (employee, target) in enumerate([("p-1", "10000"), ("p-2", "10000")]):
        body = {
            "command_id": f"t-{i}",
            "actor": SUPERVISOR,
            "month": "2026-04",
            "employee_id": employee,
            "position": "promoter",
            "target": target,
        }
        assert (await command(nc, "SetMonthlyTarget", body))["ok"]
    refused = await command(
        nc,
        "SetMonthlyTarget",
        {
            "command_id": "t-x",
            "actor": CLERK,
            "month": "2026-04",
            "employee_id": "p-3",
            "position": "promoter",
            "target": "1",
        },
    )
    assert (refused["ok"], refused["error"]["code"]) == (False, "forbidden")
    await publish_event(
        nc, "orders", "Order", "o-1", placed("o-1", "p-1", "9000"), "ev-o-1", occurred_at=APRIL
    )
    await publish_event(
        nc, "orders", "Order", "o-2", placed("o-2", "p-2", "2999.99"), "ev-o-2", occurred_at=APRIL
    )
    refund = RefundIssued(
        case_id="rc-1", order_id="o-1", amount=Decimal(1000), issued_by="sup-1", issued_at=APRIL
    )
    await publish_event(nc, "aftersales", "RefundCase", "rc-1", refund, "ev-rc-1", occurred_at=APRIL)
    await publish_event(
        nc, "aftersales", "RefundCase", "rc-1", refund, "ev-rc-1", occurred_at=APRIL
    )  # redelivered
    await caught_up(service)
    sales = await ask(nc, "kpi", "SalesReport", {"month": "2026-04"})
    assert (sales["orders"], sales["refunds"], sales["net"]) == (
        "11999.99",
        "1000.00",
        "10999.99",
    )
    clock.set(MAY_1)
    calc = {"command_id": "calc-1", "actor": SUPERVISOR, "month": "2026-04"}
    reply = await command(nc, "CalculateMonthPay", calc)
    assert reply["ok"], reply
    assert (await command(nc, "CalculateMonthPay", calc | {"command_id": "calc-2"}))["events"] == []
    assert await kpi_types(nc, "MonthPay", "2026-04") == [
        "PerformancePayCalculated",
        "PerformancePayCalculated",
        "CommissionCalculated",
        "CommissionCalculated",
    ]
    await caught_up(service)
    pay = await ask(nc, "kpi", "MonthPay", {"month": "2026-04", "employee_id": "p-1"}, actor=SUPERVISOR)
    figures = {f["kind"]: f for f in pay["figures"]}
    assert Decimal(figures["PerformancePayCalculated"]["amount"]) == Decimal(400)  # 8000 of 10000 × 500
    assert figures["PerformancePayCalculated"]["event_id"] in reply["events"]
    denied = await request(nc, query_subject("kpi", "MonthPay"), {"month": "2026-04"}, actor=CLERK)
    assert (denied["ok"], denied["error"]["code"]) == (False, "forbidden")
