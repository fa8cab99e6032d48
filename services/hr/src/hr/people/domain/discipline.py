"""The DisciplineRecord aggregate, one per employee (SM-DISC; DIS-1..DIS-11, HR-37).

`RecordOffence` names a catalogue item; its class maps to the penalty by a data table (DIS-5,
C16), never by the class number: class 1 proposes dismissal (DIS-1), class 2 is a written warning
plus 20 yuan if serious (DIS-2), class 3 a warning plus 50 yuan (DIS-3), class 4 a warning plus 100
yuan (DIS-4). An item with a monthly threshold (falsified work records: 3 in a calendar month,
DIS-3) proposes dismissal when the employee reaches it. A manager decides a proposal. The employee
may appeal within the window and HR decides (DIS-10); an overturned appeal cancels the fine.
DIS-11's other penalties: a manager demotes (`DemoteEmployee`, to a lower grade) or suspends
(`SuspendEmployee`, dates inclusive; no shift on those days, DIS-13's roster check) the employee
for one of their own recorded cases that was not overturned on appeal.
Fines feed payroll deductions and the public activity fund (HR-37).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from hr.people.domain.policy import ClassPenalty, DisciplinePolicy, OffenceItem
from hr.shared.roles import require_own
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, NotFound, RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_DISCIPLINE_RECORD
from shop_contracts.commands.hr_people import (
    AppealPenalty,
    DecideAppeal,
    DecideDisciplinaryDismissal,
    DemoteEmployee,
    RecordOffence,
    SuspendEmployee,
)
from shop_contracts.events.hr_discipline import (
    AppealDecided,
    AppealOutcome,
    DisciplinaryDismissalBasis,
    DisciplinaryDismissalDecided,
    DisciplinaryDismissalProposed,
    DisciplinaryFineCancelled,
    DisciplinaryFineImposed,
    EmployeeDemoted,
    EmployeeSuspended,
    OffenceRecorded,
    PenaltyAppealed,
    WrittenWarningIssued,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class Case:
    item: str
    offence_class: int
    recorded_on: dt.date
    fine: Decimal = Decimal(0)
    dismissal: str | None = None
    """proposed, dismissed or declined."""
    appeal: str | None = None
    """pending, upheld or overturned."""


@dataclass(frozen=True)
class DisciplineState:
    employee_id: str = ""
    cases: Mapping[str, Case] = field(default_factory=dict)
    monthly: Mapping[tuple[str, str], int] = field(default_factory=dict)
    suspensions: tuple[tuple[dt.date, dt.date, str], ...] = ()
    """(start, end, case_id) of each suspension (DIS-11)."""
    demoted_for: frozenset[str] = frozenset()
    grade: str | None = None
    """The grade of the latest demotion (DIS-11); None: the grade of onboarding holds."""

    def suspended_on(self, day: dt.date) -> str | None:
        """The case a suspension covering `day` was imposed for, or None (DIS-11)."""
        return next((case for start, end, case in self.suspensions if start <= day <= end), None)


def _case(state: DisciplineState, case_id: str, change: dict[str, Any]) -> DisciplineState:
    return replace(state, cases={**state.cases, case_id: replace(state.cases[case_id], **change)})


GRADES_BELOW: dict[str, tuple[str, ...]] = {"supervisor": ("team_member",)}
"""DIS-11 demotion: the grades below each grade (HR-39's two grades)."""


def evolve(state: DisciplineState, event: EventData) -> DisciplineState:
    match event:
        case OffenceRecorded():
            key = (event.item, event.occurred_on.isoformat()[:7])
            case = Case(event.item, event.offence_class, event.recorded_on)
            return replace(
                state,
                employee_id=event.employee_id,
                cases={**state.cases, event.case_id: case},
                monthly={**state.monthly, key: event.month_count},
            )
        case DisciplinaryFineImposed():
            return _case(state, event.case_id, {"fine": event.amount})
        case DisciplinaryDismissalProposed():
            return _case(state, event.case_id, {"dismissal": "proposed"})
        case DisciplinaryDismissalDecided():
            return _case(state, event.case_id, {"dismissal": "dismissed" if event.dismissed else "declined"})
        case EmployeeSuspended():
            suspension = (event.start_date, event.end_date, event.case_id)
            return replace(state, suspensions=(*state.suspensions, suspension))
        case EmployeeDemoted():
            return replace(state, demoted_for=state.demoted_for | {event.case_id}, grade=event.new_grade)
        case PenaltyAppealed():
            return _case(state, event.case_id, {"appeal": "pending"})
        case AppealDecided():
            return _case(state, event.case_id, {"appeal": event.outcome.value})
    return state


def class_rule(offence_class: int) -> str:
    """DIS-1..DIS-4 name classes 1..4; a configured further class cites the data table (DIS-5)."""
    return f"DIS-{offence_class}" if 1 <= offence_class <= 4 else "DIS-5"


def record_offence(
    state: DisciplineState,
    cmd: RecordOffence,
    policy: DisciplinePolicy,
    today: dt.date,
    *,
    roles: CommandRoles,
) -> list[EventData]:
    roles.require(cmd.actor, "RecordOffence")
    if cmd.case_id in state.cases:
        raise RuleViolated(f"case {cmd.case_id} is already recorded for {cmd.employee_id}", "SM-DISC")
    item = policy.catalogue.get(cmd.item)
    if item is None:
        known = ", ".join(sorted(policy.catalogue))
        raise InvalidCommand(
            f"unknown offence item {cmd.item!r}; the catalogue has {known}", "DIS-5", fields=["item"]
        )
    if cmd.occurred_on > today:
        raise InvalidCommand(
            f"the offence date {cmd.occurred_on} is after today {today}", "SM-DISC", fields=["occurred_on"]
        )
    penalty, rule = policy.penalties[item.offence_class], class_rule(item.offence_class)
    month = cmd.occurred_on.isoformat()[:7]
    count = state.monthly.get((cmd.item, month), 0) + 1
    employee, case_id = cmd.employee_id, cmd.case_id
    events: list[EventData] = [
        OffenceRecorded(
            employee_id=employee,
            case_id=case_id,
            offence_class=item.offence_class,
            item=cmd.item,
            serious=cmd.serious,
            occurred_on=cmd.occurred_on,
            recorded_on=today,
            description=cmd.description,
            recorded_by=cmd.actor.id,
            month_count=count,
        )
    ]
    if penalty.warning:
        events.append(WrittenWarningIssued(employee_id=employee, case_id=case_id, rule=rule))
    fine = _fine(cmd, item, penalty)
    if fine > 0:
        events.append(
            DisciplinaryFineImposed(
                employee_id=employee, case_id=case_id, amount=fine, imposed_on=today, rule=rule
            )
        )
    threshold = item.monthly_dismissal_threshold
    if penalty.propose_dismissal:
        basis = DisciplinaryDismissalBasis.OFFENCE_CLASS
    elif threshold is not None and count >= threshold:
        basis, rule = DisciplinaryDismissalBasis.MONTHLY_REPEAT, "DIS-3"
    else:
        return events
    events.append(
        DisciplinaryDismissalProposed(employee_id=employee, case_id=case_id, basis=basis, rule=rule)
    )
    return events


def _fine(cmd: RecordOffence, item: OffenceItem, penalty: ClassPenalty) -> Decimal:
    """The class's fine (DIS-2..DIS-4; the serious one if serious), or for an item with a fine range
    the recorder's `fine` within it (C10, DIS-8)."""
    if item.fine_range is None:
        if cmd.fine is not None:
            raise InvalidCommand(
                f"item {cmd.item} has its class's fixed fine; give no fine", "DIS-5", fields=["fine"]
            )
        return penalty.serious_fine if cmd.serious and penalty.serious_fine is not None else penalty.fine
    low, high = item.fine_range
    if cmd.fine is None or not low <= cmd.fine <= high:
        raise InvalidCommand(
            f"item {cmd.item} is fined {low} to {high} yuan (C10); give fine within that range",
            "DIS-8",
            fields=["fine"],
        )
    return cmd.fine


def _known(state: DisciplineState, employee_id: str, case_id: str) -> Case:
    case = state.cases.get(case_id)
    if case is None:
        raise NotFound(f"no discipline case {case_id} for {employee_id}")
    return case


def decide_dismissal(
    state: DisciplineState, cmd: DecideDisciplinaryDismissal, today: dt.date, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "DecideDisciplinaryDismissal")
    case = _known(state, cmd.employee_id, cmd.case_id)
    if case.dismissal != "proposed":
        raise RuleViolated(f"case {cmd.case_id} has no open dismissal proposal", "SM-DISC")
    if case.appeal == "pending":
        raise RuleViolated(f"case {cmd.case_id} is under appeal; HR decides it first", "DIS-10")
    return [
        DisciplinaryDismissalDecided(
            employee_id=cmd.employee_id,
            case_id=cmd.case_id,
            dismissed=cmd.dismiss,
            effective_date=(cmd.effective_date or today) if cmd.dismiss else None,
            decided_by=cmd.actor.id,
            note=cmd.note,
        )
    ]


def _penalisable(state: DisciplineState, employee_id: str, case_id: str) -> Case:
    """DIS-11: a demotion or suspension names one of the employee's own recorded cases, still standing."""
    case = _known(state, employee_id, case_id)
    if case.appeal == "overturned":
        raise RuleViolated(f"case {case_id} was overturned on appeal; it justifies no penalty", "DIS-10")
    if case.appeal == "pending":
        raise RuleViolated(f"case {case_id} is under appeal; HR decides it first", "DIS-10")
    return case


def demote(
    state: DisciplineState,
    cmd: DemoteEmployee,
    onboarded_grade: str | None,
    base_salaries: Mapping[str, Decimal],
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """DIS-11: demote to a grade below the one held (the latest demotion's, else onboarding's); from
    `effective_date` the employee is paid the new grade's base salary (HR-39, `base_salaries`)."""
    roles.require(cmd.actor, "DemoteEmployee")
    _penalisable(state, cmd.employee_id, cmd.case_id)
    if onboarded_grade is None:
        raise NotFound(f"{cmd.employee_id} is not on the employee register")
    current_grade = state.grade or onboarded_grade
    if cmd.case_id in state.demoted_for:
        raise RuleViolated(f"{cmd.employee_id} was already demoted for case {cmd.case_id}", "DIS-11")
    if cmd.new_grade.value == current_grade or cmd.new_grade.value not in GRADES_BELOW.get(current_grade, ()):
        raise InvalidCommand(
            f"{cmd.new_grade.value} is not below {cmd.employee_id}'s grade {current_grade}",
            "DIS-11",
            fields=["new_grade"],
        )
    return [
        EmployeeDemoted(
            employee_id=cmd.employee_id,
            case_id=cmd.case_id,
            from_grade=current_grade,
            new_grade=cmd.new_grade.value,
            effective_date=cmd.effective_date,
            new_base_salary=base_salaries[cmd.new_grade.value],
            decided_by=cmd.actor.id,
            note=cmd.note,
        )
    ]


def suspend(state: DisciplineState, cmd: SuspendEmployee, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "SuspendEmployee")
    _penalisable(state, cmd.employee_id, cmd.case_id)
    if cmd.end_date < cmd.start_date:
        raise InvalidCommand("the suspension ends before it starts", "DIS-11", fields=["end_date"])
    return [
        EmployeeSuspended(
            employee_id=cmd.employee_id,
            case_id=cmd.case_id,
            start_date=cmd.start_date,
            end_date=cmd.end_date,
            decided_by=cmd.actor.id,
            note=cmd.note,
        )
    ]


def appeal(
    state: DisciplineState, cmd: AppealPenalty, policy: DisciplinePolicy, today: dt.date
) -> list[EventData]:
    require_own(cmd.actor, cmd.employee_id, "AppealPenalty", "DIS-10")
    case = _known(state, cmd.employee_id, cmd.case_id)
    if case.appeal is not None:
        raise RuleViolated(f"the penalty of case {cmd.case_id} was already appealed", "DIS-10")
    if case.dismissal == "dismissed":
        raise RuleViolated(f"case {cmd.case_id} ended in dismissal; it is no longer open to appeal", "DIS-10")
    last_day = case.recorded_on + dt.timedelta(days=policy.appeal_window_days)
    if today > last_day:
        raise RuleViolated(f"the appeal window of case {cmd.case_id} closed on {last_day}", "DIS-10")
    return [
        PenaltyAppealed(
            employee_id=cmd.employee_id, case_id=cmd.case_id, grounds=cmd.grounds, appealed_on=today
        )
    ]


def decide_appeal(
    state: DisciplineState, cmd: DecideAppeal, today: dt.date, *, roles: CommandRoles
) -> list[EventData]:
    roles.require(cmd.actor, "DecideAppeal")
    case = _known(state, cmd.employee_id, cmd.case_id)
    if case.appeal != "pending":
        raise RuleViolated(f"case {cmd.case_id} has no appeal waiting for HR", "DIS-10")
    outcome = AppealOutcome.UPHELD if cmd.upheld else AppealOutcome.OVERTURNED
    events: list[EventData] = [
        AppealDecided(
            employee_id=cmd.employee_id,
            case_id=cmd.case_id,
            outcome=outcome,
            decided_by=cmd.actor.id,
            note=cmd.note,
        )
    ]
    if outcome is AppealOutcome.OVERTURNED and case.fine > 0:
        events.append(
            DisciplinaryFineCancelled(
                employee_id=cmd.employee_id, case_id=cmd.case_id, amount=case.fine, cancelled_on=today
            )
        )
    if outcome is AppealOutcome.OVERTURNED and case.dismissal == "proposed":
        events.append(
            DisciplinaryDismissalDecided(
                employee_id=cmd.employee_id,
                case_id=cmd.case_id,
                dismissed=False,
                decided_by=cmd.actor.id,
                note="the appeal was overturned",
            )
        )
    return events


registry = EventRegistry(
    [
        OffenceRecorded,
        WrittenWarningIssued,
        DisciplinaryFineImposed,
        DisciplinaryDismissalProposed,
        DisciplinaryDismissalDecided,
        PenaltyAppealed,
        AppealDecided,
        DisciplinaryFineCancelled,
        EmployeeDemoted,
        EmployeeSuspended,
    ]
)
DISCIPLINE_RECORD = AggregateType.of(HR_DISCIPLINE_RECORD, registry, DisciplineState, evolve)
