"""Given / when / then for refund cases: commands through the real handlers on an in-memory event
store with a FixedClock, foreign events through the reactions' decision function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aftersales.application.handlers import RefundCommands
from aftersales.application.reactions import react
from aftersales.domain.policy import AftersalesPolicy
from aftersales.domain.state import REFUND_CASE, RefundCaseState
from jetstream_es.clock import FixedClock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.memory_store import InMemoryEventStore
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
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


def envelope(data: EventData, event_id: str) -> EventEnvelope:
    return EventEnvelope(
        event_id=event_id,
        event_type=data.event_type,
        schema_version=data.schema_version,
        aggregate_type="Foreign",
        aggregate_id="x",
        version=1,
        occurred_at=NOW,
        actor=SYSTEM_ACTOR,
        correlation_id=event_id,
        causation_id=event_id,
        data=data.model_dump(mode="json"),
    )


class Aftersales:
    """The harness: `given` facts and commands, `when` a command, `then` the events appended."""

    def __init__(self, policy: AftersalesPolicy | None = None) -> None:
        self.clock = FixedClock(NOW)
        self.store = InMemoryEventStore("aftersales")
        self.commands = RefundCommands(
            CommandHandler(self.clock), lambda: self.store, policy or AftersalesPolicy()
        )
        r = self.commands
        self.routes: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {
            c.RequestRefund: r.request,
            c.ApproveRefundRequest: r.approve,
            c.RejectRefundRequest: r.reject,
            c.ConcludeNegotiation: r.conclude,
            c.WithdrawRefundRequest: r.withdraw,
            c.RecordReturnDispatch: r.record_dispatch,
            c.IssueReturnNote: r.issue_return_note,
            c.InspectReturn: r.inspect,
            c.ConfirmReturnReceipt: r.confirm_receipt,
            c.IssueRefund: r.issue_refund,
        }

    async def facts(self, *events: EventData) -> None:
        for index, data in enumerate(events):
            await self.react(data, f"fact-{data.event_type}-{index}")

    async def react(self, data: EventData, event_id: str) -> CommandResult | None:
        cause = Cause.of_event("test_reaction", envelope(data, event_id), SYSTEM_ACTOR)
        return await react(self.commands, data, cause)

    async def given(self, *commands: Command) -> None:
        for command in commands:
            await self.when(command)

    async def when(self, command: Command) -> CommandResult:
        return await self.routes[type(command)](command)

    def events(self, aggregate_id: str = "case-1") -> list[EventData]:
        return [
            REFUND_CASE.registry.decode(e.envelope)
            for e in self.store.all_events
            if e.envelope.aggregate_id == aggregate_id and e.envelope.aggregate_type == "RefundCase"
        ]

    def types(self, aggregate_id: str = "case-1") -> list[str]:
        return [e.event_type for e in self.events(aggregate_id)]

    async def state(self, case_id: str = "case-1") -> RefundCaseState:
        return (await self.commands.cases.repo.load(case_id, refresh=True)).state
