"""The Employee aggregate, one per employee id (the ids attendance, leave and the ladder use):
onboarding with the ID copy and the employee file (HR-38, DIS-6), base salary by grade (HR-39),
the safety-training gate (DIS-13), resignation with one month's notice (DIS-7: shorter notice
blocks the final settlement), the hand-over witnessed by a leader (DIS-12), offboarding, and the
erasure of personal data (the data key is deleted outside the stream; the event records it).

Personal data arrives here already sealed: the domain never sees it in clear.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from hr.people.domain.policy import PeoplePolicy
from hr.shared.roles import require_own
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_EMPLOYEE
from shop_contracts.commands.hr_people import (
    CompleteHandover,
    EraseEmployeePersonalData,
    OffboardEmployee,
    OnboardEmployee,
    RecordSafetyTrainingResult,
    SubmitResignation,
)
from shop_contracts.events.hr_attendance import ShiftAssigned, ShiftKind
from shop_contracts.events.hr_people import (
    EmployeeOffboarded,
    EmployeeOnboarded,
    EmployeePersonalDataErased,
    Grade,
    HandoverCompleted,
    ResignationSubmitted,
    RosteredBeforeSafetyTraining,
    SafetyTrainingFailed,
    SafetyTrainingPassed,
    SealedPersonalData,
    SeparationReason,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class EmployeeState:
    employee_id: str = ""
    onboarded: bool = False
    join_date: dt.date | None = None
    grade: Grade | None = None
    base_salary: Decimal = Decimal(0)
    safety_passed_on: dt.date | None = None
    resignation_effective: dt.date | None = None
    settlement_blocked: bool = False
    handed_over: bool = False
    offboarded_on: dt.date | None = None
    erased: bool = False
    flagged_dates: frozenset[dt.date] = frozenset()


def evolve(state: EmployeeState, event: EventData) -> EmployeeState:
    match event:
        case EmployeeOnboarded():
            return replace(
                state,
                employee_id=event.employee_id,
                onboarded=True,
                join_date=event.join_date,
                grade=event.grade,
                base_salary=event.base_salary,
            )
        case SafetyTrainingPassed():
            return replace(state, safety_passed_on=event.passed_on)
        case ResignationSubmitted():
            return replace(
                state,
                resignation_effective=event.effective_date,
                settlement_blocked=event.final_settlement_blocked,
            )
        case HandoverCompleted():
            return replace(state, handed_over=True)
        case EmployeeOffboarded():
            return replace(state, offboarded_on=event.effective_date)
        case EmployeePersonalDataErased():
            return replace(state, erased=True)
        case RosteredBeforeSafetyTraining():
            return replace(state, flagged_dates=state.flagged_dates | {event.work_date})
    return state


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, the month's last day when it has no such day (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _existing(state: EmployeeState, employee_id: str) -> None:
    if not state.onboarded:
        raise RuleViolated(f"employee {employee_id} has not been onboarded", "HR-38")


def _active(state: EmployeeState, employee_id: str) -> None:
    _existing(state, employee_id)
    if state.offboarded_on is not None:
        raise RuleViolated(f"employee {employee_id} left on {state.offboarded_on}", "DIS-7")


def onboard(
    state: EmployeeState,
    cmd: OnboardEmployee,
    sealed: SealedPersonalData,
    policy: PeoplePolicy,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    roles.require(cmd.actor, "OnboardEmployee")
    if state.onboarded:
        raise RuleViolated(f"employee {cmd.employee_id} is already onboarded", "HR-38")
    if not cmd.id_copy_received:
        raise RuleViolated("a signed copy of the ID card must be handed to HR on onboarding", "HR-38")
    if not cmd.employee_file_completed:
        raise RuleViolated("the employee file is filled in on the first day", "DIS-6")
    salary = cmd.base_salary if cmd.base_salary is not None else policy.base_salaries[cmd.grade]
    return [
        EmployeeOnboarded(
            employee_id=cmd.employee_id,
            join_date=cmd.join_date,
            post=cmd.post,
            grade=cmd.grade,
            base_salary=salary,
            id_copy_received=True,
            employee_file_completed=True,
            personal=sealed,
            onboarded_by=cmd.actor.id,
        )
    ]


def record_training(
    state: EmployeeState, cmd: RecordSafetyTrainingResult, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "RecordSafetyTrainingResult")
    _active(state, cmd.employee_id)
    if state.safety_passed_on is not None:
        raise RuleViolated(f"{cmd.employee_id} passed the safety exam on {state.safety_passed_on}", "DIS-13")
    if cmd.passed:
        return [
            SafetyTrainingPassed(
                employee_id=cmd.employee_id, passed_on=cmd.taken_on, score=cmd.score, recorded_by=cmd.actor.id
            )
        ]
    return [
        SafetyTrainingFailed(
            employee_id=cmd.employee_id, taken_on=cmd.taken_on, score=cmd.score, recorded_by=cmd.actor.id
        )
    ]


def may_be_rostered(state: EmployeeState, work_date: dt.date) -> bool:
    """DIS-13: only an employee on the register (onboarded) works a shift, and only after passing
    the safety exam."""
    return roster_problem(state, state.employee_id, work_date) is None


def roster_problem(state: EmployeeState, employee_id: str, work_date: dt.date) -> str | None:
    """Why `employee_id` may not work a shift on `work_date` (DIS-13), or None: never onboarded
    (not on the employee register), left by then, or the safety exam not yet passed."""
    if not state.onboarded:
        return f"{employee_id} is not on the employee register (never onboarded)"
    if state.offboarded_on is not None and state.offboarded_on < work_date:
        return f"{employee_id} left on {state.offboarded_on}"
    if state.safety_passed_on is None or state.safety_passed_on > work_date:
        return f"{employee_id} has not passed the safety training exam by {work_date}"
    return None


def note_shift(state: EmployeeState, shift: ShiftAssigned) -> list[EventData]:
    """Flags a working shift assigned before the safety exam was passed (DIS-13), once per date."""
    if not state.onboarded or shift.shift == ShiftKind.REST or may_be_rostered(state, shift.work_date):
        return []
    if shift.work_date in state.flagged_dates:
        return []
    return [
        RosteredBeforeSafetyTraining(
            employee_id=shift.employee_id, work_date=shift.work_date, shift=shift.shift.value
        )
    ]


def resign(
    state: EmployeeState, cmd: SubmitResignation, today: dt.date, policy: PeoplePolicy
) -> list[EventData]:
    require_own(cmd.actor, cmd.employee_id, "SubmitResignation", "DIS-7")
    _active(state, cmd.employee_id)
    if state.resignation_effective is not None:
        raise RuleViolated(
            f"{cmd.employee_id} already resigned, effective {state.resignation_effective}", "DIS-7"
        )
    if cmd.effective_date < today:
        raise InvalidCommand(
            f"the effective date {cmd.effective_date} is before today {today}",
            "DIS-7",
            fields=["effective_date"],
        )
    required = add_months(today, policy.notice_months)
    return [
        ResignationSubmitted(
            employee_id=cmd.employee_id,
            submitted_on=today,
            effective_date=cmd.effective_date,
            required_from=required,
            final_settlement_blocked=cmd.effective_date < required,
        )
    ]


def hand_over(
    state: EmployeeState, cmd: CompleteHandover, today: dt.date, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "CompleteHandover")
    _active(state, cmd.employee_id)
    if cmd.handed_to == cmd.employee_id:
        raise InvalidCommand("the hand-over goes to another person", "DIS-12", fields=["handed_to"])
    if cmd.actor.id == cmd.employee_id:
        raise RuleViolated("the leaving employee cannot witness their own hand-over", "DIS-12")
    if state.handed_over:
        raise RuleViolated(f"{cmd.employee_id} has already handed over", "DIS-12")
    return [
        HandoverCompleted(
            employee_id=cmd.employee_id,
            handed_to=cmd.handed_to,
            witnessed_by=cmd.actor.id,
            completed_on=today,
            items=cmd.items,
        )
    ]


def offboard(
    state: EmployeeState, cmd: OffboardEmployee, dismissal_basis: str | None = None, *, roles: CommandRoles
) -> list[EventData]:
    """`dismissal_basis`: what `cmd.reference` names among the employee's records that justifies a
    dismissal (a confirmed class-1 or threshold case, or a confirmed absence-ladder dismissal), or
    None (DIS-11)."""
    roles.require(cmd.actor, "OffboardEmployee")
    _active(state, cmd.employee_id)
    if not state.handed_over:
        raise RuleViolated(
            f"{cmd.employee_id} must hand over, witnessed by a leader, before leaving", "DIS-12"
        )
    if cmd.reason == SeparationReason.RESIGNED and state.resignation_effective is None:
        raise RuleViolated(f"{cmd.employee_id} has not resigned in writing", "DIS-7")
    if cmd.reason == SeparationReason.DISMISSED and not cmd.reference:
        raise InvalidCommand(
            "a dismissal names the decision it follows (reference)", "DIS-11", fields=["reference"]
        )
    if cmd.reason == SeparationReason.DISMISSED and dismissal_basis is None:
        raise InvalidCommand(
            f"reference {cmd.reference!r} names no recorded case of {cmd.employee_id} whose dismissal was "
            "confirmed (a discipline case id, or the absence ladder `<employee>_<year>`)",
            "DIS-11",
            fields=["reference"],
        )
    return [
        EmployeeOffboarded(
            employee_id=cmd.employee_id,
            effective_date=cmd.effective_date,
            reason=cmd.reason,
            final_settlement_blocked=cmd.reason == SeparationReason.RESIGNED and state.settlement_blocked,
            reference=cmd.reference,
            offboarded_by=cmd.actor.id,
        )
    ]


def erase(state: EmployeeState, cmd: EraseEmployeePersonalData, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "EraseEmployeePersonalData")
    _existing(state, cmd.employee_id)
    if state.erased:
        return []
    return [
        EmployeePersonalDataErased(employee_id=cmd.employee_id, requested_by=cmd.actor.id, reason=cmd.reason)
    ]


registry = EventRegistry(
    [
        EmployeeOnboarded,
        SafetyTrainingPassed,
        SafetyTrainingFailed,
        RosteredBeforeSafetyTraining,
        ResignationSubmitted,
        HandoverCompleted,
        EmployeeOffboarded,
        EmployeePersonalDataErased,
    ]
)
EMPLOYEE = AggregateType.of(HR_EMPLOYEE, registry, EmployeeState, evolve)
