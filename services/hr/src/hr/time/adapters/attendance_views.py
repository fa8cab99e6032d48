"""The attendance read model, one row per employee and work date (SM-DAY), and the AttendanceMonth
and DepartmentAttendance (every employee's month in one read, without leave types) queries over it: worked days, lateness (HR-8), early leave (HR-9, HR-13), absences (HR-12), leave
days by type, lateness made up as personal leave (HR-14), and full attendance at 26 worked days
(HR-6). A worked day is a clocked (or errand, HR-11) day with no absence recorded. A rescinded
absence (AbsenceRescinded) leaves the day: covered by leave it becomes a leave day of that type
(HR-20, HR-25), made up it becomes a worked day with its lateness as personal leave (HR-14);
taken away by a clock correction (HR-10) the day keeps the outcome AttendanceDayRejudged gives it,
with the re-judged lateness and early leave. The AttendanceDay query reads the day's aggregate
itself: its punches and HR's corrections with who, when and why (HR-10).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Column, Integer, MetaData, Row, String, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hr.time.domain.attendance import CLOCK_CORRECTION, MAKE_UP
from hr.time.domain.attendance_state import AttendanceDayState, registry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import HR_ATTENDANCE_DAY
from shop_contracts.events.hr import AbsenceRecorded, AbsenceRescinded
from shop_contracts.events.hr_attendance import (
    AttendanceDayEvaluated,
    AttendanceDayRejudged,
    DayOutcome,
    EarlyLeaveRecorded,
    LatenessRecorded,
    MakeUpLeaveRecorded,
    ShiftAssigned,
)
from shop_contracts.queries.hr import AttendanceDay, AttendanceMonth, DepartmentAttendance

WORKED = (DayOutcome.WORKED.value, DayOutcome.ERRAND.value)


class AttendanceViews(Projection):
    name = "hr_attendance_views"
    sources = (HR_ATTENDANCE_DAY,)
    handles = frozenset(
        e.event_type
        for e in (
            AbsenceRecorded,
            ShiftAssigned,
            LatenessRecorded,
            EarlyLeaveRecorded,
            AttendanceDayEvaluated,
            AbsenceRescinded,
            MakeUpLeaveRecorded,
            AttendanceDayRejudged,
        )
    )
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        days = Table(
            f"attendance_days{suffix}",
            metadata,
            Column("employee_id", String(64), primary_key=True),
            Column("work_date", String(10), primary_key=True),
            Column("month", String(7), nullable=False, index=True),
            Column("shift", String(32), nullable=True),
            Column("outcome", String(32), nullable=True),
            Column("leave_type", String(32), nullable=True),
            Column("lateness_minutes", Integer, nullable=False),
            Column("made_up", Boolean, nullable=False),
            Column("early_leaves", Integer, nullable=False),
            Column("early_leave_minutes", Integer, nullable=False),
            Column("absence_kind", String(32), nullable=True),
            Column("absence_days", String(8), nullable=True),
            Column("version", Integer, nullable=False),
        )
        return {"days": days}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        days, data, version = tables["days"], item.data, item.event.envelope.version
        employee_id, work_date = (
            item.event.envelope.data["employee_id"],
            item.event.envelope.data["work_date"],
        )
        key = and_(days.c.employee_id == employee_id, days.c.work_date == work_date)
        row = (await conn.execute(select(days).where(key))).first()
        if row is None:
            blank = {
                "employee_id": employee_id,
                "work_date": work_date,
                "month": work_date[:7],
                "lateness_minutes": 0,
                "made_up": False,
                "early_leaves": 0,
                "early_leave_minutes": 0,
                "version": 0,
            }
            await conn.execute(upsert(conn, days).values(**blank).on_conflict_do_nothing())
            row = (await conn.execute(select(days).where(key))).one()
        if version <= row.version:
            return
        values: dict[str, Any] = {"version": version}
        match data:
            case ShiftAssigned():
                values["shift"] = data.shift.value
            case LatenessRecorded():
                values |= {"lateness_minutes": data.minutes, "made_up": data.made_up or row.made_up}
            case MakeUpLeaveRecorded():
                values["made_up"] = True
            case AbsenceRescinded():
                values |= {"absence_kind": None, "absence_days": None}
                if data.covered_by == CLOCK_CORRECTION:
                    pass  # AttendanceDayRejudged follows with the day's outcome
                elif data.covered_by != MAKE_UP:
                    values |= {"outcome": DayOutcome.LEAVE.value, "leave_type": data.leave_type}
                elif row.outcome is not None:
                    values["outcome"] = DayOutcome.WORKED.value
            case EarlyLeaveRecorded():
                values |= {
                    "early_leaves": row.early_leaves + 1,
                    "early_leave_minutes": row.early_leave_minutes + data.minutes,
                }
            case AbsenceRecorded():
                values |= {"absence_kind": data.kind.value, "absence_days": str(data.days)}
            case AttendanceDayRejudged():
                values |= {
                    "outcome": data.outcome.value,
                    "lateness_minutes": data.lateness_minutes,
                    "early_leaves": data.early_leaves,
                    "early_leave_minutes": data.early_leave_minutes,
                }
            case AttendanceDayEvaluated():
                values |= {
                    "outcome": data.outcome.value,
                    "leave_type": data.leave_type,
                    "shift": data.shift.value,
                }
        await conn.execute(days.update().where(key).values(**values))


def _figures(rows: Sequence[Row[Any]], full_attendance_days: int) -> dict[str, Any]:
    """The month's HR-6 figures of one employee's day rows (no leave types: those stay personal)."""
    worked = [r for r in rows if r.outcome in WORKED and r.absence_kind is None]
    late = [r for r in rows if r.lateness_minutes > 0]
    return {
        "worked_days": len(worked),
        "lateness": {"count": len(late), "minutes": sum(r.lateness_minutes for r in late)},
        "early_leave": {
            "count": sum(r.early_leaves for r in rows),
            "minutes": sum(r.early_leave_minutes for r in rows),
        },
        "absences": [
            {"work_date": r.work_date, "kind": r.absence_kind, "days": r.absence_days}
            for r in rows
            if r.absence_kind is not None
        ],
        "evaluated_days": sum(1 for r in rows if r.outcome is not None),
        "full_attendance_days": full_attendance_days,
        "full_attendance": len(worked) >= full_attendance_days,
    }


async def attendance_month(
    engine: AsyncEngine, tables: Tables, query: AttendanceMonth, full_attendance_days: int
) -> dict[str, Any]:
    days = tables["days"]
    where = and_(days.c.employee_id == query.employee_id, days.c.month == query.month)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(days).where(where).order_by(days.c.work_date))).all()
    late = [r for r in rows if r.lateness_minutes > 0]
    made_up = [r for r in late if r.made_up]
    leave = Counter(r.leave_type for r in rows if r.outcome == DayOutcome.LEAVE.value and r.leave_type)
    figures = _figures(rows, full_attendance_days)
    return {
        "employee_id": query.employee_id,
        "month": query.month,
        **{k: figures[k] for k in ("worked_days", "lateness", "early_leave", "absences")},
        "leave_days": dict(sorted(leave.items())),
        "lateness_as_personal_leave": {
            "count": len(made_up),
            "minutes": sum(r.lateness_minutes for r in made_up),
        },
        **{k: figures[k] for k in ("evaluated_days", "full_attendance_days", "full_attendance")},
    }


async def department_attendance(
    engine: AsyncEngine, tables: Tables, query: DepartmentAttendance, full_attendance_days: int
) -> dict[str, Any]:
    """Every employee's HR-6 figures of the month from one read of the day rows, by employee id."""
    days = tables["days"]
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(days).where(days.c.month == query.month).order_by(days.c.employee_id, days.c.work_date)
            )
        ).all()
    employees = [
        {"employee_id": employee_id, **_figures(list(group), full_attendance_days)}
        for employee_id, group in itertools.groupby(rows, key=lambda r: str(r.employee_id))
    ]
    return {"month": query.month, "employees": employees, "total": len(employees)}


def attendance_day(state: AttendanceDayState, query: AttendanceDay) -> dict[str, Any]:
    """The day's punches as stamped, HR's corrections and what the day is judged on (HR-10)."""

    def at(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "employee_id": query.employee_id,
        "work_date": query.work_date.isoformat(),
        "shift": None if state.shift is None else state.shift.value,
        "punches": [
            {"punch": p.punch.value, "at": p.at.isoformat(), "source": p.source} for p in state.punches
        ],
        "corrections": [
            {
                "punch": c.punch.value,
                "at": c.at.isoformat(),
                "original": at(c.original),
                "corrected_by": c.corrected_by,
                "corrected_at": c.corrected_at.isoformat(),
                "reason": c.reason,
            }
            for c in state.corrections
        ],
        "clock_in": at(state.clock_in),
        "clock_out": at(state.clock_out),
        "evaluated": state.evaluated,
        "lateness_minutes": state.lateness_minutes,
        "early_leave_minutes": state.early_leave_minutes,
        "absence": None if state.absence is None else state.absence.value,
    }
