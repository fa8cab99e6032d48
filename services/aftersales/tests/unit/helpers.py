"""Given / when / then for refund cases (SM-RET): the service's real wiring on an in-memory event
store with a FixedClock, driven by the shared `jetstream_es.testing.app.TestApp` (decision 0007):
commands through the runtime's handler table, foreign events through the real reactions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aftersales.bootstrap import NAME, AftersalesService
from aftersales.refunds.adapters.catalogue import CatalogueReader
from aftersales.refunds.domain.products import CatalogueProduct
from aftersales.refunds.domain.state import REFUND_CASE, RefundCaseState
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandResult
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp
from jetstream_es.testing.read_model import ReadModel
from shop_contracts.aggregates import (
    CATALOG_PRODUCT,
    FULFILMENT_RETURN_PARCEL,
    FULFILMENT_SHIPMENT,
    ORDERS_ORDER,
    AggregateRef,
)
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import Actor
from shop_contracts.events.fulfilment import ReturnParcelReceived, ShipmentDelivered, ShipmentStamped
from shop_contracts.events.orders import OrderLine, OrderPaid, OrderPlaced, ShippingAddress
from shop_contracts.messages import Command, EventData

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BUYER = Actor(id="buyer-9", roles=("buyer",))
SUPERVISOR = Actor(id="sup-1", roles=("dept_supervisor",))
CLERK = Actor(id="clerk-1", roles=("order_clerk",))
CS = Actor(id="as-1", roles=("aftersales_cs",))
AMOUNT = Decimal("3020.00")

PLACED = OrderPlaced(
    order_id="o-1",
    lines=(OrderLine(sku="TV-55", quantity=1, unit_price=AMOUNT),),
    amount=AMOUNT,
    buyer_id="buyer-9",
    shipping=ShippingAddress(recipient="Li Lei", phone="13800000000", address="1 Nanjing Rd"),
    channel="tmall",
    sales_owner="sales-1",
    placed_at=NOW - timedelta(days=5),
)
PAID = OrderPaid(
    order_id="o-1",
    amount=AMOUNT,
    payee_account="CN-ICBC-0001",
    payment_ref="alipay-77",
    paid_at=NOW - timedelta(days=5),
)
STAMPED = ShipmentStamped(
    shipment_id="s-1",
    order_id="o-1",
    outbound_note_no="ON-1",
    waybill_no="WB-1",
    keeper="wk-1",
    stamped_at=NOW - timedelta(days=4),
)
DELIVERED = ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=NOW - timedelta(days=2))
PARCEL = ReturnParcelReceived(case_id="case-1", waybill_no="RB-1", received_at=NOW)


def cmd(model: type[Command], actor: Actor = SUPERVISOR, command_id: str | None = None, **fields: Any) -> Any:
    fields.setdefault("case_id", "case-1")
    return model(command_id=command_id or f"{model.command_name}-{actor.id}", actor=actor, **fields)


def request(received: bool = True, reason: str = "quality", **fields: Any) -> c.RequestRefund:
    fields.setdefault("order_id", "o-1")
    actor = fields.pop("actor", BUYER)
    result: c.RequestRefund = cmd(c.RequestRefund, actor, reason=reason, goods_received=received, **fields)
    return result


def source(data: EventData) -> tuple[AggregateRef, str]:
    """The aggregate another service appends `data` to, and its id (as the owner keys it)."""
    if isinstance(data, ReturnParcelReceived):
        return FULFILMENT_RETURN_PARCEL, data.waybill_no
    if isinstance(data, OrderPlaced | OrderPaid):
        return ORDERS_ORDER, data.order_id
    return FULFILMENT_SHIPMENT, str(getattr(data, "shipment_id", data.order_id))


class CatalogueOnModel:
    """The service's CatalogueReader on the test's read model (its tables made on first use)."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model

    async def products(self, skus: Iterable[str]) -> dict[str, CatalogueProduct]:
        await self.model.ensure()
        return await CatalogueReader(self.model.engine, lambda: self.model.tables).products(skus)


class Aftersales:
    """The harness: `given` facts and commands, `when` a command, `then` the events appended; the
    service's own wiring (`aftersales.bootstrap.AftersalesService`: both contexts) booted on the in-memory store."""

    def __init__(self, policy: AftersalesPolicy | None = None) -> None:
        settings = RuntimeSettings()
        runtime = ServiceRuntime(
            NAME,
            settings,
            "sqlite+aiosqlite:///:memory:",
            clock=FixedClock(NOW),
            store=InMemoryEventStore(NAME),
        )
        self.service = AftersalesService(runtime, policy or AftersalesPolicy(), settings.business_tz)
        self.service.wire()
        self.app = TestApp(runtime)
        self.clock = self.app.clock
        self.store = self.app.store
        self.commands = self.service.refunds.commands
        self.products = ReadModel(self.service.refunds.catalogue)
        self.commands.catalogue = CatalogueOnModel(self.products)

    async def catalogue(self, *events: EventData) -> None:
        """The catalogue's events reach after-sales' read model of the products (AS-7)."""
        for event in events:
            await self.products.apply(
                event, source=CATALOG_PRODUCT, aggregate_id=str(getattr(event, "sku", ""))
            )

    async def facts(self, *events: EventData) -> None:
        for index, data in enumerate(events):
            await self.react(data, f"fact-{data.event_type}-{index}")

    async def react(self, data: EventData, event_id: str) -> CommandResult | None:
        """One delivery of another service's event to the reaction reading it; the result of the
        one command it issued."""
        ref, aggregate_id = source(data)
        results = await self.app.react(data, aggregate_id=aggregate_id, source=ref, event_id=event_id)
        return results[0] if results else None

    async def given(self, *commands: Command) -> None:
        await self.app.given(*commands)

    async def when(self, command: Command) -> CommandResult:
        return await self.app.when(command)

    def events(self, aggregate_id: str = "case-1") -> list[EventData]:
        return self.app.events(aggregate_id, aggregate=REFUND_CASE.name)

    def types(self, aggregate_id: str = "case-1") -> list[str]:
        return [e.event_type for e in self.events(aggregate_id)]

    async def state(self, case_id: str = "case-1") -> RefundCaseState:
        return await self.app.state(REFUND_CASE, case_id)
