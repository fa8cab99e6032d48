"""Given / when / then for the Order aggregate: commands through the real handlers on an
in-memory event store with a FixedClock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.deadlines import Deadline
from jetstream_es.memory_store import InMemoryEventStore
from orders.application.deadlines import DeadlineFirer
from orders.application.handlers import OrderCommands
from orders.application.reactions import decision
from orders.domain.policy import OrderPolicy
from orders.domain.sla import DeadlineKind, deadline_id
from orders.domain.state import ORDER, OrderState
from shop_contracts.commands import orders as c
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
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


def foreign(data: EventData, event_id: str, aggregate: str = "Shipment") -> EventEnvelope:
    return EventEnvelope(
        event_id=event_id,
        event_type=data.event_type,
        schema_version=data.schema_version,
        aggregate_type=aggregate,
        aggregate_id=getattr(data, "case_id", None) or getattr(data, "shipment_id", "x"),
        version=1,
        occurred_at=NOW,
        actor=SYSTEM_ACTOR,
        correlation_id=event_id,
        causation_id=event_id,
        data=data.model_dump(mode="json"),
    )


class Orders:
    """The harness: `given` commands, `when` a command, `then` the events it appended."""

    def __init__(self, policy: OrderPolicy | None = None) -> None:
        self.clock = FixedClock(NOW)
        self.store = InMemoryEventStore("orders")
        self.policy = policy or OrderPolicy(company_accounts=frozenset({ACCOUNT}))
        self.commands = OrderCommands(CommandHandler(self.clock), lambda: self.store, self.policy)
        self.routes: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {
            c.PlaceOrder: self.commands.place,
            c.RecordPayment: self.commands.record_payment,
            c.RecordBuyerRemark: self.commands.record_buyer_remark,
            c.MarkOrderViewed: self.commands.mark_viewed,
            c.RecordCustomerContact: self.commands.record_contact,
            c.ConfirmOrder: self.commands.confirm,
            c.HandOverOrder: self.commands.hand_over,
            c.NotifyOutOfStock: self.commands.notify_out_of_stock,
            c.CorrectOrderDetails: self.commands.correct_details,
        }

    async def given(self, *commands: Command) -> None:
        for command in commands:
            await self.when(command)

    async def when(self, command: Command) -> CommandResult:
        return await self.routes[type(command)](command)

    async def react(self, data: EventData, event_id: str, reaction: str = "test_reaction") -> CommandResult:
        """What the reaction projections do for one delivery of a foreign event."""
        found = decision(data)
        assert found is not None
        order_id, decide = found
        cause = Cause.of_event(reaction, foreign(data, event_id), SYSTEM_ACTOR)
        return await self.commands.execute(order_id, cause, decide)

    async def fire(self, kind: DeadlineKind, due_in: timedelta, order_id: str = "o-1") -> None:
        deadline = Deadline(deadline_id(kind, order_id), str(kind), order_id, NOW + due_in, {})
        await DeadlineFirer(self.commands)(deadline)

    def events(self, order_id: str = "o-1") -> list[EventData]:
        return [
            ORDER.registry.decode(e.envelope)
            for e in self.store.all_events
            if e.envelope.aggregate_id == order_id
        ]

    def types(self, order_id: str = "o-1") -> list[str]:
        return [e.event_type for e in self.events(order_id)]

    async def state(self, order_id: str = "o-1") -> OrderState:
        return (await self.commands.repo.load(order_id, refresh=True)).state
