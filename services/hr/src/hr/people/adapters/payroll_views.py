"""The payroll read model (SM-PAY; HR-16, HR-19, HR-33..HR-37): the facts a payroll run reads and
what the runs decided, kept from HR's own events.

- employees (EmployeeOnboarded, EmployeeOffboarded): grade, base salary, join and leaving dates;
- grades (EmployeeDemoted, DIS-11): each change of grade and base salary (HR-39) from its effective
  date, which payroll pays pro rata from that day (HR-36);
- days (AttendanceDayEvaluated, AttendanceDayRejudged after an HR-10 clock correction, AbsenceRecorded,
  AbsenceRescinded): outcome, leave type, absence;
- fines (FineImposed / FineReversed of the absence ladder, DisciplinaryFineImposed / Cancelled):
  one row per fine with the period whose latest run deducted it (each fine once) and the period
  that refunded a cancelled one — the public activity fund ledger (HR-37) reads the same rows,
  leaving out the fines of another fund (`other_funds`, the events' `fund`);
- payslips and periods (PayslipCalculated, FirstSalaryDeferred, PayrollCalculated,
  PayrollAdjustmentRecorded, PayrollPeriodClosed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    and_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hr.people.domain import discipline, employees
from hr.people.domain.payroll import (
    DayFact,
    EmployeeFacts,
    FineFact,
    GradeChange,
    PeriodFacts,
    bounds,
    shift_period,
)
from hr.people.domain.payroll_period import PAYROLL_PERIOD
from hr.people.domain.policy import PeoplePolicy
from hr.time.domain.attendance_state import ATTENDANCE_DAY
from hr.time.domain.ladder import ABSENCE_RECORD
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import cents, fetch_page, money, upsert
from shop_contracts.aggregates import (
    HR_ABSENCE_RECORD,
    HR_ATTENDANCE_DAY,
    HR_DISCIPLINE_RECORD,
    HR_EMPLOYEE,
    HR_PAYROLL_PERIOD,
)
from shop_contracts.events.hr import AbsenceRecorded, AbsenceRescinded, FineImposed, FineReversed
from shop_contracts.events.hr_attendance import AttendanceDayEvaluated, AttendanceDayRejudged
from shop_contracts.events.hr_discipline import (
    DisciplinaryFineCancelled,
    DisciplinaryFineImposed,
    EmployeeDemoted,
)
from shop_contracts.events.hr_payroll import (
    PayLineKind,
    PayrollAdjustmentRecorded,
    PayrollCalculated,
    PayrollPeriodClosed,
    PayslipCalculated,
    SalariesPaid,
)
from shop_contracts.events.hr_people import EmployeeOffboarded, EmployeeOnboarded, Grade
from shop_contracts.queries.hr_people import ActivityFund, PayrollPeriod, Payslip

HANDLED = (
    EmployeeOnboarded,
    EmployeeOffboarded,
    EmployeeDemoted,
    AttendanceDayEvaluated,
    AttendanceDayRejudged,
    AbsenceRecorded,
    AbsenceRescinded,
    FineImposed,
    FineReversed,
    DisciplinaryFineImposed,
    DisciplinaryFineCancelled,
    PayslipCalculated,
    PayrollCalculated,
    PayrollAdjustmentRecorded,
    PayrollPeriodClosed,
    SalariesPaid,
)


def _registry() -> EventRegistry:
    registry = EventRegistry()
    for aggregate in (ATTENDANCE_DAY, ABSENCE_RECORD, employees.EMPLOYEE, discipline.DISCIPLINE_RECORD):
        for model in aggregate.registry.models:
            registry.register(model)
    for model in PAYROLL_PERIOD.registry.models:
        registry.register(model)
    return registry


PUBLIC_ACTIVITY = "public_activity"
"""HR-37: the fund every fine of the rules goes to (the events' `fund` default); a fine naming
another fund is listed in `other_funds` and stays out of this fund's ledger."""


def ladder_key(employee_id: str, work_date: dt.date | str, amount: Decimal) -> str:
    return f"ladder:{employee_id}:{work_date}:{cents(amount)}"


class PayrollViews(Projection):
    name = "hr_payroll_views"
    sources = (HR_EMPLOYEE, HR_ATTENDANCE_DAY, HR_ABSENCE_RECORD, HR_DISCIPLINE_RECORD, HR_PAYROLL_PERIOD)
    handles = frozenset(m.event_type for m in HANDLED)
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(_registry())

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {
            "employees": Table(
                f"pay_employees{suffix}",
                metadata,
                Column("employee_id", String(64), primary_key=True),
                Column("grade", String(32), nullable=False),
                Column("base_cents", Integer, nullable=False),
                Column("join_date", String(10), nullable=False),
                Column("left_on", String(10), nullable=True),
                Column("settlement_blocked", Boolean, nullable=False),
                Column("source", String(64), nullable=False),
            ),
            "grades": Table(
                f"pay_grades{suffix}",
                metadata,
                Column("employee_id", String(64), primary_key=True),
                Column("source", String(64), primary_key=True),
                Column("effective_date", String(10), nullable=False),
                Column("grade", String(32), nullable=False),
                Column("base_cents", Integer, nullable=True),
            ),
            "days": Table(
                f"pay_days{suffix}",
                metadata,
                Column("employee_id", String(64), primary_key=True),
                Column("work_date", String(10), primary_key=True),
                Column("month", String(7), nullable=False, index=True),
                Column("outcome", String(32), nullable=True),
                Column("leave_type", String(32), nullable=True),
                Column("absence_days", String(8), nullable=True),
                Column("sources", JSON, nullable=False),
            ),
            "fines": Table(
                f"pay_fines{suffix}",
                metadata,
                Column("fine_id", String(64), primary_key=True),
                Column("employee_id", String(64), nullable=False, index=True),
                Column("match_key", String(200), nullable=False, index=True),
                Column("amount_cents", Integer, nullable=False),
                Column("dated", String(10), nullable=False),
                Column("rule", String(16), nullable=False),
                Column("description", String(200), nullable=False),
                Column("cancel_id", String(64), nullable=True),
                Column("cancelled_on", String(10), nullable=True),
                Column("deducted_period", String(7), nullable=True),
                Column("refunded_period", String(7), nullable=True),
            ),
            "other_funds": Table(
                f"pay_fine_other_funds{suffix}",
                metadata,
                Column("fine_id", String(64), primary_key=True),
                Column("fund", String(64), nullable=False),
            ),
            "payslips": Table(
                f"pay_slips{suffix}",
                metadata,
                Column("period", String(7), primary_key=True),
                Column("employee_id", String(64), primary_key=True),
                Column("run", Integer, primary_key=True),
                Column("event_id", String(64), nullable=False),
                Column("deferred", Boolean, nullable=False),
                Column("data", JSON, nullable=False),
            ),
            "periods": Table(
                f"pay_periods{suffix}",
                metadata,
                Column("period", String(7), primary_key=True),
                Column("run", Integer, nullable=False),
                Column("closed", Boolean, nullable=False),
                Column("summary", JSON, nullable=True),
                Column("adjustments", JSON, nullable=False),
            ),
        }

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        data, event_id = item.data, item.event.event_id
        match data:
            case EmployeeOnboarded():
                row = {
                    "employee_id": data.employee_id,
                    "grade": data.grade.value,
                    "base_cents": cents(data.base_salary),
                    "join_date": data.join_date.isoformat(),
                    "left_on": None,
                    "settlement_blocked": False,
                    "source": event_id,
                }
                await conn.execute(upsert(conn, tables["employees"]).values(**row).on_conflict_do_nothing())
            case EmployeeOffboarded():
                t = tables["employees"]
                await conn.execute(
                    t.update()
                    .where(t.c.employee_id == data.employee_id)
                    .values(
                        left_on=data.effective_date.isoformat(),
                        settlement_blocked=data.final_settlement_blocked,
                    )
                )
            case EmployeeDemoted():
                row = {
                    "employee_id": data.employee_id,
                    "source": event_id,
                    "effective_date": data.effective_date.isoformat(),
                    "grade": data.new_grade,
                    "base_cents": None if data.new_base_salary is None else cents(data.new_base_salary),
                }
                await conn.execute(upsert(conn, tables["grades"]).values(**row).on_conflict_do_nothing())
            case AttendanceDayEvaluated() | AttendanceDayRejudged() | AbsenceRecorded() | AbsenceRescinded():
                await self._day(conn, tables["days"], data, event_id)
            case FineImposed():
                await self._fine(
                    conn, tables, event_id, data.employee_id, ladder_key(data.employee_id, data.work_date, data.amount),
                    data.amount, data.work_date, data.rule, f"absence fine ({data.basis}, {data.work_date})",
                    data.fund,
                )  # fmt: skip
            case DisciplinaryFineImposed():
                await self._fine(
                    conn, tables, event_id, data.employee_id, f"case:{data.employee_id}:{data.case_id}",
                    data.amount, data.imposed_on, data.rule, f"discipline fine, case {data.case_id}",
                    data.fund,
                )  # fmt: skip
            case FineReversed():
                key = ladder_key(data.employee_id, data.work_date, data.amount)
                await self._cancel(conn, tables["fines"], key, event_id, data.work_date)
            case DisciplinaryFineCancelled():
                key = f"case:{data.employee_id}:{data.case_id}"
                await self._cancel(conn, tables["fines"], key, event_id, data.cancelled_on)
            case PayslipCalculated():
                await self._payslip(conn, tables, data, event_id)
            case PayrollCalculated():
                summary = {
                    "employees": list(data.employees),
                    "total_net": str(data.total_net),
                    "total_payable": str(data.total_payable),
                    "pay_date": data.pay_date.isoformat(),
                    "calculated_by": data.calculated_by,
                }
                await self._period(conn, tables["periods"], data.period, run=data.run, summary=summary)
            case PayrollAdjustmentRecorded():
                current = await self._period(conn, tables["periods"], data.period)
                known: list[dict[str, Any]] = list(current["adjustments"])
                adjustment = {
                    "adjustment_id": data.adjustment_id,
                    "employee_id": data.employee_id,
                    "corrects_period": data.corrects_period,
                    "amount": str(data.amount),
                    "reason": data.reason,
                }
                if all(a["adjustment_id"] != data.adjustment_id for a in known):
                    await self._period(conn, tables["periods"], data.period, adjustments=[*known, adjustment])
            case PayrollPeriodClosed():
                await self._period(conn, tables["periods"], data.period, closed=True)
            case SalariesPaid():
                current = await self._period(conn, tables["periods"], data.period)
                paid = {
                    "paid_on": data.paid_on.isoformat(),
                    "bank_ref": data.bank_ref,
                    "paid_by": data.paid_by,
                }
                await self._period(
                    conn, tables["periods"], data.period, summary={**(current["summary"] or {}), "paid": paid}
                )

    async def _day(
        self,
        conn: AsyncConnection,
        days: Table,
        data: AttendanceDayEvaluated | AttendanceDayRejudged | AbsenceRecorded | AbsenceRescinded,
        event_id: str,
    ) -> None:
        day = data.work_date.isoformat()
        key = and_(days.c.employee_id == data.employee_id, days.c.work_date == day)
        blank = {"employee_id": data.employee_id, "work_date": day, "month": day[:7], "sources": []}
        await conn.execute(upsert(conn, days).values(**blank).on_conflict_do_nothing())
        row = (await conn.execute(select(days).where(key))).one()
        if event_id in row.sources:
            return
        values: dict[str, Any] = {"sources": [*row.sources, event_id]}
        match data:
            case AttendanceDayEvaluated():
                values |= {"outcome": data.outcome.value, "leave_type": data.leave_type}
            case AttendanceDayRejudged():  # a clock correction judged the day again (HR-10)
                values["outcome"] = data.outcome.value
            case AbsenceRecorded():
                values["absence_days"] = str(data.days)
            case AbsenceRescinded():
                values["absence_days"] = None
                if data.leave_type is not None:
                    values |= {"outcome": "leave", "leave_type": data.leave_type}
        await conn.execute(days.update().where(key).values(**values))

    async def _fine(
        self,
        conn: AsyncConnection,
        tables: Tables,
        fine_id: str,
        employee_id: str,
        match_key: str,
        amount: Decimal,
        dated: dt.date,
        rule: str,
        description: str,
        fund: str,
    ) -> None:
        row = {
            "fine_id": fine_id,
            "employee_id": employee_id,
            "match_key": match_key,
            "amount_cents": cents(amount),
            "dated": dated.isoformat(),
            "rule": rule,
            "description": description,
        }
        await conn.execute(upsert(conn, tables["fines"]).values(**row).on_conflict_do_nothing())
        if fund != PUBLIC_ACTIVITY:
            other = {"fine_id": fine_id, "fund": fund}
            await conn.execute(upsert(conn, tables["other_funds"]).values(**other).on_conflict_do_nothing())

    async def _cancel(
        self, conn: AsyncConnection, fines: Table, key: str, event_id: str, on: dt.date
    ) -> None:
        """Cancel the oldest fine of that key not cancelled yet (a redelivery finds it already done)."""
        if (await conn.execute(select(fines.c.fine_id).where(fines.c.cancel_id == event_id))).first():
            return
        where = and_(fines.c.match_key == key, fines.c.cancel_id.is_(None))
        row = (
            await conn.execute(select(fines.c.fine_id).where(where).order_by(fines.c.dated, fines.c.fine_id))
        ).first()
        if row is not None:
            await conn.execute(
                fines.update()
                .where(fines.c.fine_id == row.fine_id)
                .values(cancel_id=event_id, cancelled_on=on.isoformat())
            )

    async def _payslip(
        self, conn: AsyncConnection, tables: Tables, data: PayslipCalculated, event_id: str
    ) -> None:
        slips, fines = tables["payslips"], tables["fines"]
        row = {
            "period": data.period,
            "employee_id": data.employee_id,
            "run": data.run,
            "event_id": event_id,
            "deferred": data.deferred,
            "data": data.model_dump(mode="json"),
        }
        await conn.execute(upsert(conn, slips).values(**row).on_conflict_do_nothing())
        mine = fines.c.employee_id == data.employee_id
        await conn.execute(
            update(fines).where(mine, fines.c.deducted_period == data.period).values(deducted_period=None)
        )
        await conn.execute(
            update(fines).where(mine, fines.c.refunded_period == data.period).values(refunded_period=None)
        )
        for line in data.lines:
            if line.kind == PayLineKind.FINE:
                where = fines.c.fine_id.in_(line.sources)
                await conn.execute(update(fines).where(where).values(deducted_period=data.period))
            elif line.kind == PayLineKind.FINE_REFUND:
                where = fines.c.cancel_id.in_(line.sources)
                await conn.execute(update(fines).where(where).values(refunded_period=data.period))

    async def _period(
        self, conn: AsyncConnection, periods: Table, period: str, **values: Any
    ) -> dict[str, Any]:
        blank = {"period": period, "run": 0, "closed": False, "summary": None, "adjustments": []}
        await conn.execute(upsert(conn, periods).values(**blank).on_conflict_do_nothing())
        if values:
            await conn.execute(periods.update().where(periods.c.period == period).values(**values))
        row = (await conn.execute(select(periods).where(periods.c.period == period))).one()
        return dict(row._mapping)


async def period_facts(engine: AsyncEngine, tables: Tables, period: str) -> list[PeriodFacts]:
    """Every employee employed in the period, with the period's days, the fines still to deduct (or
    refund) and a first salary deferred from the period before (HR-35)."""
    first, last = bounds(period)
    emps, days, fines, slips, periods, grades = (
        tables[k] for k in ("employees", "days", "fines", "payslips", "periods", "grades")
    )
    previous = shift_period(period, -1)
    async with engine.connect() as conn:
        staff = (
            await conn.execute(
                select(emps).where(
                    emps.c.join_date <= last.isoformat(),
                    (emps.c.left_on.is_(None)) | (emps.c.left_on >= first.isoformat()),
                )
            )
        ).all()
        day_rows = (await conn.execute(select(days).where(days.c.month == period))).all()
        grade_rows = (
            await conn.execute(select(grades).where(grades.c.effective_date <= last.isoformat()))
        ).all()
        fine_rows = (await conn.execute(select(fines).where(fines.c.dated <= last.isoformat()))).all()
        prev = (await conn.execute(select(periods).where(periods.c.period == previous))).first()
        deferred: Sequence[Row[Any]] = []
        if prev is not None:
            where = and_(slips.c.period == previous, slips.c.run == prev.run, slips.c.deferred.is_(True))
            deferred = (await conn.execute(select(slips).where(where))).all()
    by_day: dict[str, list[DayFact]] = {}
    for r in day_rows:
        fact = DayFact(
            work_date=dt.date.fromisoformat(r.work_date),
            outcome=r.outcome,
            leave_type=r.leave_type,
            absence_days=Decimal(r.absence_days) if r.absence_days else Decimal(0),
            sources=tuple(r.sources),
        )
        by_day.setdefault(r.employee_id, []).append(fact)
    by_fine: dict[str, list[FineFact]] = {}
    for f in sorted(fine_rows, key=lambda f: (f.dated, f.fine_id)):
        amount = Decimal(money(f.amount_cents))
        if f.cancel_id is None and f.deducted_period in (None, period):
            by_fine.setdefault(f.employee_id, []).append(FineFact(f.fine_id, amount, f.rule, f.description))
        elif (
            f.cancel_id is not None
            and f.deducted_period not in (None, period)
            and (f.cancelled_on or "") <= last.isoformat()
            and f.refunded_period in (None, period)
        ):
            refund = FineFact(f.cancel_id, amount, f.rule, f"refund: {f.description} cancelled", refund=True)
            by_fine.setdefault(f.employee_id, []).append(refund)
    seed = PeoplePolicy().base_salaries
    changes: dict[str, list[GradeChange]] = {}
    for g in sorted(grade_rows, key=lambda g: (g.effective_date, g.source)):
        base = Decimal(money(g.base_cents)) if g.base_cents is not None else seed[Grade(g.grade)]
        change = GradeChange(dt.date.fromisoformat(g.effective_date), g.grade, base, g.source)
        changes.setdefault(g.employee_id, []).append(change)
    carried = {s.employee_id: s for s in deferred}
    facts = []
    for e in staff:
        slip = carried.get(e.employee_id)
        facts.append(
            PeriodFacts(
                employee=EmployeeFacts(
                    employee_id=e.employee_id,
                    grade=e.grade,
                    base_salary=Decimal(money(e.base_cents)),
                    join_date=dt.date.fromisoformat(e.join_date),
                    left_on=dt.date.fromisoformat(e.left_on) if e.left_on else None,
                    source=e.source,
                    settlement_blocked=e.settlement_blocked,
                    grade_changes=tuple(changes.get(e.employee_id, ())),
                ),
                days=tuple(sorted(by_day.get(e.employee_id, []), key=lambda d: d.work_date)),
                fines=tuple(by_fine.get(e.employee_id, [])),
                deferred=Decimal(slip.data["net"]) if slip is not None else None,
                deferred_source=slip.event_id if slip is not None else None,
            )
        )
    return facts


async def payslip(engine: AsyncEngine, tables: Tables, query: Payslip) -> dict[str, Any] | None:
    slips, periods = tables["payslips"], tables["periods"]
    async with engine.connect() as conn:
        period = (await conn.execute(select(periods).where(periods.c.period == query.period))).first()
        if period is None or period.run == 0:
            return None
        where = and_(
            slips.c.period == query.period,
            slips.c.employee_id == query.employee_id,
            slips.c.run == period.run,
        )
        row = (await conn.execute(select(slips).where(where))).first()
    if row is None:
        return None
    return dict(row.data) | {"event_id": row.event_id, "period_closed": period.closed}


async def payroll_period(engine: AsyncEngine, tables: Tables, query: PayrollPeriod) -> dict[str, Any]:
    slips, periods = tables["payslips"], tables["periods"]
    async with engine.connect() as conn:
        period = (await conn.execute(select(periods).where(periods.c.period == query.period))).first()
    if period is None:
        return {
            "period": query.period,
            "status": "open",
            "run": 0,
            "payslips": [],
            "total": 0,
            "adjustments": [],
        }
    where = and_(slips.c.period == query.period, slips.c.run == period.run)
    stmt = select(slips).where(where).order_by(slips.c.employee_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    paid = (period.summary or {}).get("paid")
    status = "paid" if paid else "closed" if period.closed else ("calculated" if period.run else "open")
    return {
        "period": query.period,
        "status": status,
        "run": period.run,
        **(period.summary or {}),
        "payslips": [
            {
                k: r.data[k]
                for k in ("employee_id", "net", "payable", "deferred", "scheduled_days", "paid_days")
            }
            for r in rows
        ],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "adjustments": period.adjustments,
    }


async def activity_fund(engine: AsyncEngine, tables: Tables, query: ActivityFund) -> dict[str, Any]:
    """HR-37: the public activity fund's ledger. A fine is credited when imposed and counts as
    money in the fund only once the department manager collected it: deducted by the payroll run of
    a period that is closed. A fine cancelled on appeal before collection never reaches the fund; one
    cancelled after collection stays collected in its period and leaves the fund when it is refunded
    (in the closed period that paid it back). Only fines of the public activity fund are read; with
    `period`, the fines imposed, collected or refunded in that pay period, and the totals are that
    period's movements."""
    fines, periods, others = tables["fines"], tables["periods"], tables["other_funds"]
    where: list[ColumnElement[bool]] = [fines.c.fine_id.not_in(select(others.c.fine_id))]
    if query.employee_id:
        where.append(fines.c.employee_id == query.employee_id)
    if query.period:
        first, last = bounds(query.period)
        where.append(
            fines.c.dated.between(first.isoformat(), last.isoformat())
            | (fines.c.deducted_period == query.period)
            | (fines.c.refunded_period == query.period)
        )
    async with engine.connect() as conn:
        rows = (
            await conn.execute(select(fines).where(*where).order_by(fines.c.dated, fines.c.fine_id))
        ).all()
        closed = {
            r.period for r in (await conn.execute(select(periods.c.period).where(periods.c.closed.is_(True))))
        }

    def inside(period: str | None) -> bool:
        return period is not None and (query.period is None or period == query.period)

    def imposed_inside(dated: str) -> bool:
        return query.period is None or dated[:7] == query.period

    entries = []
    credited = collected = refunded = outstanding = 0
    for r in rows:
        was_collected = r.deducted_period in closed
        if r.cancel_id is not None:
            status = "refunded" if r.refunded_period else "reversed"
        elif was_collected:
            status = "collected"
        elif r.deducted_period:
            status = "deducted"
        else:
            status = "pending"
        if r.cancel_id is None and imposed_inside(r.dated):
            credited += r.amount_cents
        if was_collected and inside(r.deducted_period):
            collected += r.amount_cents
        if r.refunded_period in closed and inside(r.refunded_period):
            refunded += r.amount_cents
        if r.cancel_id is None and not was_collected and imposed_inside(r.dated):
            outstanding += r.amount_cents
        entries.append(
            {
                "fine_id": r.fine_id,
                "employee_id": r.employee_id,
                "amount": money(r.amount_cents),
                "dated": r.dated,
                "rule": r.rule,
                "description": r.description,
                "status": status,
                "deducted_in": r.deducted_period,
                "refunded_in": r.refunded_period,
                "collected_by": "dept_manager",
            }
        )
    return {
        "fund": PUBLIC_ACTIVITY,
        "period": query.period,
        "entries": entries[query.offset : query.offset + query.limit],
        "total": len(entries),
        "limit": query.limit,
        "offset": query.offset,
        "credited": money(credited),
        "collected": money(collected),
        "refunded": money(refunded),
        "balance": money(collected - refunded),
        "outstanding": money(outstanding),
    }
