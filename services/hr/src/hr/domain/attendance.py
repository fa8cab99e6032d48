"""The AttendanceDay aggregate, one per employee per work date (SM-DAY; HR-7, HR-12).

An attendance day records at most one absence: each occurrence counts as one day on the ladder
(HR-16 designer default). Today a supervisor records the absences the clock cannot see (refused
reassignment, off post over an hour, leave without the form); the end-of-day evaluation will append
to the same aggregate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from hr.domain.roles import require_role
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.commands.hr import RecordAbsence
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded
from shop_contracts.messages import EventData


def day_id(employee_id: str, work_date: dt.date) -> str:
    return f"{employee_id}_{work_date.isoformat()}"


@dataclass(frozen=True)
class AttendanceDayState:
    employee_id: str = ""
    work_date: dt.date | None = None
    absence: AbsenceKind | None = None


def evolve(state: AttendanceDayState, event: EventData) -> AttendanceDayState:
    match event:
        case AbsenceRecorded():
            return replace(
                state, employee_id=event.employee_id, work_date=event.work_date, absence=event.kind
            )
    return state


def record_absence(state: AttendanceDayState, cmd: RecordAbsence) -> list[EventData]:
    require_role(cmd.actor, "RecordAbsence")
    if state.absence is not None:
        raise RuleViolated(
            f"{cmd.employee_id} already has an absence ({state.absence}) on {cmd.work_date}; "
            "each day counts once",
            "HR-16",
        )
    return [
        AbsenceRecorded(
            employee_id=cmd.employee_id,
            work_date=cmd.work_date,
            kind=cmd.kind,
            days=Decimal(1),
            reason=cmd.reason,
        )
    ]


registry = EventRegistry([AbsenceRecorded])
ATTENDANCE_DAY = AggregateType[AttendanceDayState]("AttendanceDay", registry, AttendanceDayState, evolve)
