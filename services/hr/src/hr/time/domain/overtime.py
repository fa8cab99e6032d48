"""Overtime and comp time (HR-30..HR-32): one Overtime aggregate per ordered overtime and one
CompTimeAccount per employee.

- A leader orders overtime (HR-30); the employee may refuse it. A refusal is not absenteeism (that
  is a refused reassignment with no work at all, HR-12 (c)); without a special reason it is a
  matter for discipline (HR-30: criticism, fine or removal), so OvertimeRefused carries the flag.
- Overtime worked is recorded against the order: unordered late work is not overtime (HR-32), and
  required extra time of at most the threshold (default 1 hour, operations department 001) is
  not counted (`counted_minutes` 0).
- Counted overtime on the employee's rest day earns comp time, recognised only once the office
  files it (HR-31): CompTimeFiled, then CompTimeCredited on the employee's account.
- Comp leave (leave type `comp`) draws whole days of the balance when requested and is refused
  beyond it; a rejected comp leave gives its minutes back.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from hr.time.domain.policy import AttestedTimePolicy, OvertimePolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Forbidden, InvalidCommand, NotFound, RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_COMP_TIME_ACCOUNT, HR_OVERTIME
from shop_contracts.commands.hr_time import (
    AssignOvertime,
    FileCompTime,
    RecordOvertimeRefusal,
    RecordOvertimeWorked,
)
from shop_contracts.events.hr_time import (
    CompTimeCredited,
    CompTimeDrawn,
    CompTimeFiled,
    CompTimeRestored,
    OvertimeAssigned,
    OvertimeRefused,
    OvertimeWorked,
)
from shop_contracts.messages import EventData


class OvertimeStatus(StrEnum):
    ASSIGNED = "assigned"
    REFUSED = "refused"
    WORKED = "worked"


@dataclass(frozen=True)
class OvertimeState:
    status: OvertimeStatus | None = None
    employee_id: str = ""
    work_date: dt.date | None = None
    comp_minutes: int = 0
    filed: bool = False


def evolve_overtime(state: OvertimeState, event: EventData) -> OvertimeState:
    match event:
        case OvertimeAssigned():
            return OvertimeState(OvertimeStatus.ASSIGNED, event.employee_id, event.work_date)
        case OvertimeRefused():
            return replace(state, status=OvertimeStatus.REFUSED)
        case OvertimeWorked():
            return replace(state, status=OvertimeStatus.WORKED, comp_minutes=event.comp_minutes)
        case CompTimeFiled():
            return replace(state, filed=True)
    return state


def _existing(state: OvertimeState, overtime_id: str) -> OvertimeState:
    if state.status is None:
        raise NotFound(f"overtime {overtime_id} was never ordered")
    return state


def assign(
    state: OvertimeState, cmd: AssignOvertime, work_date: dt.date, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "AssignOvertime")
    if cmd.actor.id == cmd.employee_id:
        raise Forbidden(f"{cmd.actor.id} may not order their own overtime", "HR-30")
    if state.status is not None:
        raise RuleViolated(f"overtime {cmd.overtime_id} is ordered already", "HR-30")
    return [
        OvertimeAssigned(
            overtime_id=cmd.overtime_id,
            employee_id=cmd.employee_id,
            work_date=work_date,
            start_at=cmd.start_at,
            end_at=cmd.end_at,
            assigned_by=cmd.actor.id,
            reason=cmd.reason,
        )
    ]


def refuse(state: OvertimeState, cmd: RecordOvertimeRefusal, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "RecordOvertimeRefusal")
    _existing(state, cmd.overtime_id)
    if state.status is not OvertimeStatus.ASSIGNED:
        raise RuleViolated(
            f"overtime {cmd.overtime_id} is {state.status}; only ordered overtime is refused", "HR-30"
        )
    assert state.work_date is not None
    return [
        OvertimeRefused(
            overtime_id=cmd.overtime_id,
            employee_id=state.employee_id,
            work_date=state.work_date,
            special_reason=cmd.special_reason,
            reason=cmd.reason,
            recorded_by=cmd.actor.id,
        )
    ]


def worked(
    state: OvertimeState,
    cmd: RecordOvertimeWorked,
    work_date: dt.date,
    rest_day: bool,
    policy: OvertimePolicy,
    now: dt.datetime,
    attested: AttestedTimePolicy,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """The worked times are a past happening the leader or office attests: not ahead of the service's
    clock, not older than HR_ATTESTED_TIME_MAX_AGE_DAYS (HR-30)."""
    roles.require(cmd.actor, "RecordOvertimeWorked")
    attested.check(now, "HR-30", started_at=cmd.started_at, ended_at=cmd.ended_at)
    _existing(state, cmd.overtime_id)
    if state.status is not OvertimeStatus.ASSIGNED:
        raise RuleViolated(
            f"overtime {cmd.overtime_id} is {state.status}; only ordered overtime is worked (HR-32)", "HR-30"
        )
    if work_date != state.work_date:
        raise InvalidCommand(
            f"overtime {cmd.overtime_id} was ordered for {state.work_date}, not {work_date}",
            fields=["work_date"],
        )
    span = cmd.ended_at - cmd.started_at
    minutes = math.ceil(span.total_seconds() / 60)
    counted = minutes if span > policy.not_overtime_up_to else 0
    return [
        OvertimeWorked(
            overtime_id=cmd.overtime_id,
            employee_id=state.employee_id,
            work_date=work_date,
            started_at=cmd.started_at,
            ended_at=cmd.ended_at,
            minutes=minutes,
            counted_minutes=counted,
            rest_day=rest_day,
            comp_minutes=counted if rest_day else 0,
            recorded_by=cmd.actor.id,
        )
    ]


def file_comp_time(state: OvertimeState, cmd: FileCompTime, *, roles: CommandRoles) -> list[EventData]:
    """Filing twice appends nothing: the handler then makes sure the balance was credited."""
    roles.require(cmd.actor, "FileCompTime")
    _existing(state, cmd.overtime_id)
    if state.filed:
        return []
    if state.status is not OvertimeStatus.WORKED:
        raise RuleViolated(f"overtime {cmd.overtime_id} is {state.status}, not worked yet", "HR-31")
    if state.comp_minutes == 0:
        raise RuleViolated(
            f"overtime {cmd.overtime_id} earns no comp time: only counted overtime on a rest day does",
            "HR-31",
        )
    # C9: filed with the body the filer acts for, among the roles FileCompTime has (office by default)
    body = next(role for role in roles.roles("FileCompTime") if cmd.actor.has_any(role))
    return [
        CompTimeFiled(
            overtime_id=cmd.overtime_id,
            employee_id=state.employee_id,
            minutes=state.comp_minutes,
            filed_with=body,
            filed_by=cmd.actor.id,
        )
    ]


@dataclass(frozen=True)
class CompTimeState:
    employee_id: str = ""
    credited: Mapping[str, int] = field(default_factory=dict)
    drawn: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """leave id → (days, minutes) still drawn"""
    restored: frozenset[str] = frozenset()

    @property
    def balance(self) -> int:
        return sum(self.credited.values()) - sum(m for _, m in self.drawn.values())


def evolve_account(state: CompTimeState, event: EventData) -> CompTimeState:
    match event:
        case CompTimeCredited():
            credited = {**state.credited, event.overtime_id: event.minutes}
            return replace(state, employee_id=event.employee_id, credited=credited)
        case CompTimeDrawn():
            drawn = {**state.drawn, event.leave_id: (event.days, event.minutes)}
            return replace(state, employee_id=event.employee_id, drawn=drawn)
        case CompTimeRestored():
            drawn = {k: v for k, v in state.drawn.items() if k != event.leave_id}
            return replace(state, drawn=drawn, restored=state.restored | {event.leave_id})
    return state


def credit(state: CompTimeState, filed: CompTimeFiled) -> list[EventData]:
    if filed.overtime_id in state.credited:
        return []
    return [
        CompTimeCredited(employee_id=filed.employee_id, overtime_id=filed.overtime_id, minutes=filed.minutes)
    ]


def draw(
    state: CompTimeState, employee_id: str, leave_id: str, days: int, policy: OvertimePolicy
) -> list[EventData]:
    if leave_id in state.drawn or leave_id in state.restored:
        return []
    need = days * policy.comp_day_minutes
    if need > state.balance:
        raise RuleViolated(
            f"comp leave of {days} day(s) needs {need} minutes of filed comp time; {employee_id} has "
            f"{state.balance}",
            "HR-31",
        )
    return [CompTimeDrawn(employee_id=employee_id, leave_id=leave_id, days=days, minutes=need)]


def restore(state: CompTimeState, leave_id: str) -> list[EventData]:
    if leave_id not in state.drawn:
        return []
    return [
        CompTimeRestored(employee_id=state.employee_id, leave_id=leave_id, minutes=state.drawn[leave_id][1])
    ]


OVERTIME = AggregateType.of(
    HR_OVERTIME,
    EventRegistry([OvertimeAssigned, OvertimeRefused, OvertimeWorked, CompTimeFiled]),
    OvertimeState,
    evolve_overtime,
)
COMP_TIME = AggregateType.of(
    HR_COMP_TIME_ACCOUNT,
    EventRegistry([CompTimeCredited, CompTimeDrawn, CompTimeRestored]),
    CompTimeState,
    evolve_account,
)
