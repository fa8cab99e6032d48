"""Given / when / then for the Orders service: its real wiring on an in-memory event store with a
FixedClock, driven by the shared helper `jetstream_es.testing.app` (decision 0007)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandResult
from jetstream_es.deadlines import Deadline
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp
from jetstream_es.testing.catalogue import listed
from jetstream_es.testing.read_model import ReadModel
from orders.adapters.catalogue import CatalogueReader
from orders.application.deadlines import DeadlineFirer
from orders.domain.policy import OrderPolicy
from orders.domain.sla import DeadlineKind, deadline_id
from orders.domain.state import ORDER, OrderState
from orders.wiring import NAME, OrdersService
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.commands import orders as c
from shop_contracts.envelope import Actor
from shop_contracts.events.orders import OrderLine, ShippingAddress
from shop_contracts.messages import Command, EventData

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ACCOUNT = "CN-ICBC-0001"
PLATFORM = Actor(id="tmall", roles=("platform",))
BACKOFFICE = Actor(id="bo-1", roles=("backoffice_order_staff",))
SALES = Actor(id="sales-1", roles=("sales_staff",))
AFTERSALES = Actor(id="as-1", roles=("aftersales_cs",))
LINES = (
    OrderLine(sku="TV-55", quantity=1, unit_price=Decimal("2999.00"), size="55in"),
    OrderLine(sku="CABLE", quantity=2, unit_price=Decimal("10.50")),
)
SHIPPING = ShippingAddress(recipient="Li Lei", phone="13800000000", address="1 Nanjing Rd, Shanghai")
AMOUNT = Decimal("3020.00")
CATALOGUE: tuple[EventData, ...] = (listed("TV-55", "2999.00"), listed("CABLE", "10.50"))
"""The catalogue lists the products of LINES at their prices (CAT-7): orders may sell them."""


def place(order_id: str = "o-1", command_id: str = "place-1", **overrides: Any) -> c.PlaceOrder:
    fields: dict[str, Any] = {
        "command_id": command_id,
        "actor": PLATFORM,
        "order_id": order_id,
        "lines": LINES,
        "buyer_id": "buyer-9",
        "shipping": SHIPPING,
        "channel": "tmall",
        "sales_owner": "sales-1",
    }
    return c.PlaceOrder(**(fields | overrides))


def pay(order_id: str = "o-1", command_id: str = "pay-1", **overrides: Any) -> c.RecordPayment:
    fields: dict[str, Any] = {
        "command_id": command_id,
        "actor": PLATFORM,
        "order_id": order_id,
        "amount": AMOUNT,
        "payee_account": ACCOUNT,
        "payment_ref": "alipay-77",
    }
    return c.RecordPayment(**(fields | overrides))


def contact(
    order_id: str = "o-1", verified: bool = True, command_id: str = "contact-1"
) -> c.RecordCustomerContact:
    return c.RecordCustomerContact(
        command_id=command_id, actor=BACKOFFICE, order_id=order_id, details_verified=verified
    )


def confirm(
    order_id: str = "o-1", command_id: str = "confirm-1", actor: Actor = BACKOFFICE
) -> c.ConfirmOrder:
    return c.ConfirmOrder(command_id=command_id, actor=actor, order_id=order_id)


def hand_over(order_id: str = "o-1") -> c.HandOverOrder:
    return c.HandOverOrder(command_id="handover-1", actor=BACKOFFICE, order_id=order_id, to_staff_id="ops-3")


def view(order_id: str = "o-1", actor: Actor = BACKOFFICE) -> c.MarkOrderViewed:
    return c.MarkOrderViewed(command_id=f"view-{actor.id}", actor=actor, order_id=order_id)


def correct(
    changes: dict[str, Any], actor: Actor = AFTERSALES, command_id: str = "fix-1"
) -> c.CorrectOrderDetails:
    return c.CorrectOrderDetails.model_validate(
        {
            "command_id": command_id,
            "actor": actor.model_dump(),
            "order_id": "o-1",
            "reason": "buyer left a message",
            "changes": changes,
        }
    )


class Orders:
    """The harness: the service's own wiring (`orders/wiring.py`) booted on the in-memory
    event store and a FixedClock, driven by the shared `jetstream_es.testing.app.TestApp`:
    commands go through the runtime's handler table, foreign events through the real reactions,
    deadlines through the real firers (decision 0007)."""

    def __init__(
        self, policy: OrderPolicy | None = None, catalogue: tuple[EventData, ...] = CATALOGUE
    ) -> None:
        self.policy = policy or OrderPolicy(company_accounts=frozenset({ACCOUNT}))
        runtime = ServiceRuntime(
            NAME,
            RuntimeSettings(),
            "sqlite+aiosqlite:///:memory:",
            clock=FixedClock(NOW),
            store=InMemoryEventStore(NAME),
        )
        self.service = OrdersService(runtime, self.policy, self.policy.business_tz)
        self.service.wire()
        self.app = TestApp(runtime)
        self.clock = self.app.clock
        self.store = self.app.store
        self.commands = self.service.commands
        self.products = ReadModel(self.service.catalogue)
        self.commands.catalogue = CatalogueReader(self.products.engine, lambda: self.products.tables)
        self._catalogue = list(catalogue)
        self.duty_rota = ReadModel(self.service.duty_rota)
        """HR's duty events as orders' view of the duty rota reads them (DUTY-1)."""
        self.service.duty.engine = self.duty_rota.engine
        self.service.duty._tables = lambda: self.duty_rota.tables

    async def catalogue(self, *events: EventData) -> None:
        """The catalogue's events (ProductListed, ProductDelisted, ...) reach orders' read model of
        the products, as its durable consumer delivers them (CAT-7)."""
        self._catalogue.extend(events)
        while self._catalogue:
            event = self._catalogue.pop(0)
            await self.products.apply(
                event, source=CATALOG_PRODUCT, aggregate_id=str(getattr(event, "sku", ""))
            )

    async def given(self, *commands: Command) -> None:
        for command in commands:
            await self.when(command)

    async def when(self, command: Command) -> CommandResult:
        await self.catalogue()  # the products listed before the first command
        return await self.app.when(command)

    async def react(self, data: EventData, event_id: str) -> CommandResult:
        """One delivery of another service's event to the reaction reading it (keyed as its owner
        keys it: the case or the shipment); the result of the one command it issued."""
        aggregate_id = str(getattr(data, "case_id", None) or getattr(data, "shipment_id", "x"))
        [result] = await self.app.react(data, aggregate_id=aggregate_id, event_id=event_id, occurred_at=NOW)
        return result

    async def fire(self, kind: DeadlineKind, due_in: timedelta, order_id: str = "o-1") -> None:
        await self.fire_at(kind, NOW + due_in, order_id)

    async def fire_at(self, kind: DeadlineKind, due_at: datetime, order_id: str = "o-1") -> None:
        await self.duty_rota.ensure()
        deadline = Deadline(deadline_id(kind, order_id), str(kind), order_id, due_at, {})
        await self.app.fire(deadline, firer=DeadlineFirer)

    def events(self, order_id: str = "o-1") -> list[EventData]:
        return self.app.events(order_id, aggregate=ORDER.name)

    def types(self, order_id: str = "o-1") -> list[str]:
        return [e.event_type for e in self.events(order_id)]

    async def state(self, order_id: str = "o-1") -> OrderState:
        return await self.app.state(ORDER, order_id)
