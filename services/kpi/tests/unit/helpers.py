"""The KPI service's real wiring on the in-memory store and a fixed clock (decision 0007), with its
sales views on an in-memory SQLite database fed with orders' and after-sales' events; the month's
facts of CalculateMonthPay are read from those views, as in production."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jetstream_es.events import StoredEvent
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp, bootstrap_test_app
from kpi.adapters import queries
from kpi.adapters.views import AftersalesFacts, SalesOrders
from kpi.application.handlers import KpiCommands
from kpi.bootstrap import KpiSettings, build
from kpi.domain.month_pay import MonthFacts
from shop_contracts.aggregates import AggregateRef
from shop_contracts.commands import kpi as c
from shop_contracts.envelope import SYSTEM_ACTOR, Actor, EventEnvelope
from shop_contracts.events.aftersales import RefundIssued
from shop_contracts.events.kpi import Position, QuotaKind
from shop_contracts.events.orders import OrderLine, OrderPlaced, ShippingAddress
from shop_contracts.messages import EventData
from shop_contracts.subjects import event_subject

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=TZ)  # 10 March 2026, business time
SUPERVISOR = Actor(id="sup-1", roles=("dept_supervisor",))
HR = Actor(id="hr-1", roles=("hr_dept",))
CLERK = Actor(id="clerk-1", roles=("order_clerk",))
OPEN_ENGINES: list[AsyncEngine] = []
_ids = itertools.count(1)


def cid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def target(
    employee: str, amount: int | str, month: str = "2026-04", position: Position = Position.PROMOTER
) -> c.SetMonthlyTarget:
    return c.SetMonthlyTarget(
        command_id=cid("t"),
        actor=SUPERVISOR,
        month=month,
        employee_id=employee,
        position=position,
        target=Decimal(amount),
    )


def quota(kind: QuotaKind, amount: int, month: str = "2026-04") -> c.SetDepartmentQuota:
    return c.SetDepartmentQuota(
        command_id=cid("q"), actor=SUPERVISOR, month=month, kind=kind, quota=Decimal(amount)
    )


def result(kind: QuotaKind, amount: int, month: str = "2026-04") -> c.RecordDepartmentResult:
    return c.RecordDepartmentResult(
        command_id=cid("r"), actor=SUPERVISOR, month=month, kind=kind, actual=Decimal(amount)
    )


def calculate(month: str = "2026-04", by: Actor = SUPERVISOR, **kw: Any) -> c.CalculateMonthPay:
    return c.CalculateMonthPay(command_id=cid("calc"), actor=by, month=month, **kw)


def placed(
    order: str, owner: str, amount: int | str, at: dt.datetime, channel: str = "taobao"
) -> OrderPlaced:
    return OrderPlaced(
        order_id=order,
        lines=(OrderLine(sku="SKU-1", quantity=1, unit_price=Decimal(amount)),),
        amount=Decimal(amount),
        buyer_id="buyer-1",
        shipping=ShippingAddress(recipient="李雷", phone="13800000000", address="上海市"),
        channel=channel,
        sales_owner=owner,
        placed_at=at,
    )


def refund(case: str, order: str, amount: int | str, at: dt.datetime) -> RefundIssued:
    return RefundIssued(case_id=case, order_id=order, amount=Decimal(amount), issued_by="sup-1", issued_at=at)


class Kpi:
    """A TestApp over the real wiring, the sales views on SQLite, the facts read from them."""

    def __init__(self, settings: KpiSettings | None = None, now: dt.datetime = NOW) -> None:
        self.app: TestApp = bootstrap_test_app(
            build, "kpi", now, RuntimeSettings(), settings or KpiSettings()
        )
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        OPEN_ENGINES.append(self.engine)
        commands = self.app.runtime.command_handlers[c.CalculateMonthPay].__self__  # type: ignore[attr-defined]
        assert isinstance(commands, KpiCommands)
        commands.facts = self.facts
        self.commands = commands
        self.orders = self._wired(SalesOrders)
        self.aftersales = self._wired(AftersalesFacts)
        self._tables: dict[str, Tables] = {}
        self._seq = itertools.count(1)

    def _wired(self, kind: type[Projection]) -> Projection:
        [found] = [p for p, _ in self.app.runtime.projections if isinstance(p, kind)]
        return found

    def at(self, when: dt.datetime) -> None:
        self.app.clock.set(when)

    async def tables(self, projection: Projection) -> Tables:
        if projection.name not in self._tables:
            tables = projection.define_tables(MetaData(), "")
            async with self.engine.begin() as conn:
                for table in tables.values():
                    await conn.run_sync(table.create)
            self._tables[projection.name] = tables
        return self._tables[projection.name]

    async def feed(
        self, data: EventData, source: AggregateRef, aggregate_id: str, event_id: str | None = None
    ) -> None:
        """One event of another service applied to the KPI view reading it (as its consumer would)."""
        projection = self.orders if source.service == "orders" else self.aftersales
        seq = next(self._seq)
        event_id = event_id or f"ev-{seq}"
        envelope = EventEnvelope(
            event_id=event_id,
            event_type=data.event_type,
            schema_version=data.schema_version,
            aggregate_type=source.name,
            aggregate_id=aggregate_id,
            version=1,
            occurred_at=self.app.clock.now(),
            actor=SYSTEM_ACTOR,
            correlation_id=event_id,
            causation_id=event_id,
            data=data.model_dump(mode="json"),
        )
        stored = StoredEvent(envelope, seq, event_subject(source.service, source.name, aggregate_id))
        tables = await self.tables(projection)
        ctx = ApplyContext(replaying=False, now=self.app.clock.now())
        async with self.engine.begin() as conn:
            await projection.apply(conn, tables, Decoded(stored, projection.registry.decode(envelope)), ctx)

    async def project(self, projection: Projection) -> Tables:
        """Every event the service stored so far applied to its own `projection` (stream order)."""
        tables = await self.tables(projection)
        ctx = ApplyContext(replaying=False, now=self.app.clock.now())
        async with self.engine.begin() as conn:
            for stored in self.app.store.all_events:
                if stored.event_type in projection.handles:
                    await projection.apply(
                        conn, tables, Decoded(stored, projection.registry.decode(stored.envelope)), ctx
                    )
        return tables

    async def facts(self, month: str) -> MonthFacts:
        return await queries.month_facts(
            self.engine, await self.tables(self.orders), await self.tables(self.aftersales), month
        )

    async def sales(self, month: str, staff: str | None = None) -> dict[str, Any]:
        return await queries.sales_report(
            self.engine, await self.tables(self.orders), await self.tables(self.aftersales), month, staff
        )
