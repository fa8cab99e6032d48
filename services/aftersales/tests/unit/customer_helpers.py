"""Given / when / then for complaints, customer flags, reviews and contacts (SM-CMP,
SM-CUST-FLAG, AS-15..AS-21): the service's real wiring on an in-memory event store with a
FixedClock, driven by `jetstream_es.testing.app.TestApp`; deadlines fired through the real firer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales.bootstrap import NAME, AftersalesService
from aftersales.customers.application.deadlines import ComplaintDeadlineFirer
from aftersales.customers.domain.complaints import COMPLAINT, RESPONSE_DEADLINE, response_deadline_id
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import FixedClock
from jetstream_es.commands import CommandResult
from jetstream_es.deadlines import Deadline
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp
from jetstream_es.testing.read_model import ReadModel
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
        self.commands = self.service.customers.commands
        self.duty_rota = ReadModel(self.service.customers.duty_rota)
        """HR's duty events as after-sales' view of the duty rota reads them (DUTY-1)."""
        self.service.customers.duty.engine = self.duty_rota.engine
        self.service.customers.duty._tables = lambda: self.duty_rota.tables

    async def given(self, *commands: Command) -> None:
        await self.app.given(*commands)

    async def when(self, command: Command) -> CommandResult:
        return await self.app.when(command)

    async def fire(self, complaint_id: str = "cmp-1", due: datetime = NOW + SLA) -> None:
        await self.duty_rota.ensure()
        deadline = Deadline(response_deadline_id(complaint_id), RESPONSE_DEADLINE, complaint_id, due, {})
        await self.app.fire(deadline, firer=ComplaintDeadlineFirer)

    def events(self, aggregate_id: str = "cmp-1", kind: AggregateType[Any] = COMPLAINT) -> list[EventData]:
        return self.app.events(aggregate_id, aggregate=kind.name)

    def types(self, aggregate_id: str = "cmp-1", kind: AggregateType[Any] = COMPLAINT) -> list[str]:
        return [e.event_type for e in self.events(aggregate_id, kind)]
