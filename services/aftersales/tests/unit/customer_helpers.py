"""Given / when / then for complaints, customer flags, reviews and contacts (SM-CMP,
SM-CUST-FLAG, AS-15..AS-21): commands through the real handlers on an in-memory event store with
a FixedClock; deadlines fired through the real firer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales.application.customers import CustomerCommands
from aftersales.application.deadlines import ComplaintDeadlineFirer
from aftersales.domain.complaints import COMPLAINT, RESPONSE_DEADLINE, response_deadline_id
from aftersales.domain.policy import AftersalesPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandHandler, CommandResult
from jetstream_es.deadlines import Deadline
from jetstream_es.memory_store import InMemoryEventStore
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import Actor
from shop_contracts.messages import Command, EventData

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PRESALES = Actor(id="ps-1", roles=("presales_cs",))
CS = Actor(id="as-1", roles=("aftersales_cs",))
CS_SUPERVISOR = Actor(id="cs-sup-1", roles=("cs_supervisor",))
BUYER = Actor(id="buyer-9", roles=("buyer",))
SLA = timedelta(hours=24)


def cmd(model: type[Command], actor: Actor = CS, command_id: str | None = None, **fields: Any) -> Any:
    return model(command_id=command_id or f"{model.command_name}-{actor.id}", actor=actor, **fields)


def register(actor: Actor = CS, complaint_id: str = "cmp-1") -> c.RegisterComplaint:
    result: c.RegisterComplaint = cmd(
        c.RegisterComplaint, actor, complaint_id=complaint_id, customer_id="buyer-9", subject="courier late"
    )
    return result


class Customers:
    """The harness: `given` commands, `when` a command, `then` the events appended."""

    def __init__(self, policy: AftersalesPolicy | None = None) -> None:
        self.clock = FixedClock(NOW)
        self.store = InMemoryEventStore("aftersales")
        self.commands = CustomerCommands(
            CommandHandler(self.clock), lambda: self.store, policy or AftersalesPolicy()
        )
        k = self.commands
        self.routes: dict[type[Command], Callable[[Any], Awaitable[CommandResult]]] = {
            c.RegisterComplaint: k.register_complaint,
            c.RespondToComplaint: k.respond,
            c.EscalateComplaint: k.escalate,
            c.ResolveComplaint: k.resolve,
            c.FlagCustomer: k.flag,
            c.ConfirmCustomerFlag: k.confirm_flag,
            c.RejectCustomerFlag: k.reject_flag,
            c.RecordNegativeReview: k.record_review,
            c.ReplyToReview: k.reply_to_review,
            c.LogConsultation: k.log_consultation,
            c.RecordRevisit: k.record_revisit,
        }

    async def given(self, *commands: Command) -> None:
        for command in commands:
            await self.when(command)

    async def when(self, command: Command) -> CommandResult:
        return await self.routes[type(command)](command)

    async def fire(self, complaint_id: str = "cmp-1", due: datetime = NOW + SLA) -> None:
        deadline = Deadline(response_deadline_id(complaint_id), RESPONSE_DEADLINE, complaint_id, due, {})
        await ComplaintDeadlineFirer(self.commands)(deadline)

    def events(self, aggregate_id: str = "cmp-1", kind: AggregateType[Any] = COMPLAINT) -> list[EventData]:
        return [
            kind.registry.decode(e.envelope)
            for e in self.store.all_events
            if e.envelope.aggregate_id == aggregate_id and e.envelope.aggregate_type == kind.name
        ]

    def types(self, aggregate_id: str = "cmp-1", kind: AggregateType[Any] = COMPLAINT) -> list[str]:
        return [e.event_type for e in self.events(aggregate_id, kind)]
