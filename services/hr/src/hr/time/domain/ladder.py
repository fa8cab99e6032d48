"""The absence ladder, one AbsenceRecord aggregate per employee per ladder year (SM-ABS, HR-16).

Each AbsenceRecorded is counted once per work date. The n-th absence of the year is fined the
n-th amount of the ladder (100, then 300; none beyond the ladder). Two consecutive calendar days
absent, or three days in the year, reach the dismissal threshold: a proposal a manager confirms
(EmployeeDismissed) or declines. Consecutive days are counted across the year boundary (31
December and 1 January), so the decision also sees the neighbouring years' absence dates.

Rescinding (AbsenceRescinded: HR-14, HR-20, HR-25) takes the absence off the ladder
(AbsenceUncounted) and recomputes the year as if it had never been recorded: the remaining
absences keep their order and are fined by their new rank, so each fine that no longer matches is
reversed (FineReversed, same amount and work date as the FineImposed it cancels) and the new rank's
fine is imposed afresh (FineImposed). An open dismissal proposal that is no longer reached, in this
ladder year or a neighbouring one (a run across 31 December), is withdrawn
(DismissalThresholdWithdrawn); a dismissal a manager already confirmed stays decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from hr.time.domain.events import AbsenceCounted, AbsenceUncounted
from hr.time.domain.policy import LadderPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_ABSENCE_RECORD
from shop_contracts.commands.hr import DeclineDismissal, DismissEmployee
from shop_contracts.events.hr import (
    AbsenceRecorded,
    AbsenceRescinded,
    DismissalBasis,
    DismissalDeclined,
    DismissalThresholdReached,
    DismissalThresholdWithdrawn,
    EmployeeDismissed,
    FineImposed,
    FineReversed,
)
from shop_contracts.messages import EventData


def record_id(employee_id: str, year: int) -> str:
    return f"{employee_id}_{year}"


@dataclass(frozen=True)
class AbsenceRecordState:
    employee_id: str = ""
    year: int = 0
    dates: Mapping[dt.date, Decimal] = field(default_factory=dict)
    """absence date → days, in counting order"""
    fines: Mapping[dt.date, tuple[Decimal, int, str]] = field(default_factory=dict)
    """absence date → (amount, occurrence, basis) of the fine standing for it"""
    proposals: int = 0
    open_proposal: int | None = None
    dismissed: bool = False

    @property
    def days(self) -> Decimal:
        return sum(self.dates.values(), Decimal(0))


def evolve(state: AbsenceRecordState, event: EventData) -> AbsenceRecordState:
    match event:
        case AbsenceCounted():
            dates = {**state.dates, event.work_date: event.days}
            return replace(state, employee_id=event.employee_id, year=event.year, dates=dates)
        case DismissalThresholdReached():
            return replace(state, proposals=event.proposal, open_proposal=event.proposal)
        case EmployeeDismissed():
            return replace(state, open_proposal=None, dismissed=True)
        case DismissalDeclined() | DismissalThresholdWithdrawn():
            return replace(state, open_proposal=None)
        case AbsenceUncounted():
            return replace(state, dates={d: n for d, n in state.dates.items() if d != event.work_date})
        case FineImposed():
            fines = {**state.fines, event.work_date: (event.amount, event.occurrence, event.basis)}
            return replace(state, fines=fines)
        case FineReversed():
            return replace(state, fines={d: f for d, f in state.fines.items() if d != event.work_date})
    return state


def consecutive_run(day: dt.date, dates: Iterable[dt.date]) -> tuple[dt.date, ...]:
    """The run of consecutive calendar days around `day`."""
    known = set(dates) | {day}
    start = day
    while start - dt.timedelta(days=1) in known:
        start -= dt.timedelta(days=1)
    run = [start]
    while run[-1] + dt.timedelta(days=1) in known:
        run.append(run[-1] + dt.timedelta(days=1))
    return tuple(run)


def count_absence(
    state: AbsenceRecordState,
    absence: AbsenceRecorded,
    neighbours: frozenset[dt.date],
    policy: LadderPolicy,
) -> list[EventData]:
    """Count one absence; fine it and propose dismissal where the ladder says so (HR-16)."""
    if absence.work_date in state.dates:
        return []
    year, employee = policy.year_of(absence.work_date), absence.employee_id
    occurrence = len(state.dates) + 1
    events: list[EventData] = [
        AbsenceCounted(
            employee_id=employee,
            year=year,
            work_date=absence.work_date,
            kind=absence.kind,
            days=absence.days,
            occurrence=occurrence,
        )
    ]
    if occurrence <= len(policy.fines) and policy.fines[occurrence - 1] > 0:
        events.append(
            FineImposed(
                employee_id=employee,
                year=year,
                amount=policy.fines[occurrence - 1],
                occurrence=occurrence,
                work_date=absence.work_date,
                basis=f"absence#{occurrence}",
            )
        )
    if state.dismissed or state.open_proposal is not None:
        return events
    run = consecutive_run(absence.work_date, [*state.dates, *neighbours])
    total = state.days + absence.days
    proposal: tuple[DismissalBasis, Decimal, tuple[dt.date, ...]] | None = None
    if len(run) >= policy.consecutive_days:
        proposal = (DismissalBasis.CONSECUTIVE_DAYS, Decimal(len(run)), run)
    elif total >= policy.days_in_year:
        proposal = (DismissalBasis.DAYS_IN_YEAR, total, tuple(sorted([*state.dates, absence.work_date])))
    if proposal is not None:
        basis, days, dates = proposal
        events.append(
            DismissalThresholdReached(
                employee_id=employee,
                year=year,
                proposal=state.proposals + 1,
                basis=basis,
                days=days,
                dates=dates,
            )
        )
    return events


def reached(dates: Mapping[dt.date, Decimal], neighbours: frozenset[dt.date], policy: LadderPolicy) -> bool:
    """Whether this year's absences still reach a dismissal threshold (HR-16)."""
    if sum(dates.values(), Decimal(0)) >= policy.days_in_year:
        return True
    known = [*dates, *neighbours]
    return any(len(consecutive_run(day, known)) >= policy.consecutive_days for day in dates)


def _withdrawn(
    state: AbsenceRecordState,
    dates: Mapping[dt.date, Decimal],
    neighbours: frozenset[dt.date],
    policy: LadderPolicy,
    why: str,
) -> list[EventData]:
    if state.open_proposal is None or reached(dates, neighbours, policy):
        return []
    return [
        DismissalThresholdWithdrawn(
            employee_id=state.employee_id, year=state.year, proposal=state.open_proposal, reason=why
        )
    ]


def rescind_absence(
    state: AbsenceRecordState,
    rescinded: AbsenceRescinded,
    neighbours: frozenset[dt.date],
    policy: LadderPolicy,
) -> list[EventData]:
    """Take a rescinded absence off the ladder and recompute fines and the open proposal (HR-16)."""
    day = rescinded.work_date
    if day not in state.dates:
        return []
    year, employee = policy.year_of(day), rescinded.employee_id
    why = f"the absence on {day} was rescinded ({rescinded.rule}, {rescinded.covered_by})"[:500]
    remaining = {d: n for d, n in state.dates.items() if d != day}
    events: list[EventData] = [
        AbsenceUncounted(
            employee_id=employee,
            year=year,
            work_date=day,
            kind=rescinded.kind,
            days=state.dates[day],
            covered_by=rescinded.covered_by,
            rule=rescinded.rule,
        )
    ]
    expected = {
        d: (policy.fines[i], i + 1)
        for i, d in enumerate(remaining)
        if i < len(policy.fines) and policy.fines[i] > 0
    }
    for d, (amount, occurrence, basis) in state.fines.items():
        if expected.get(d) != (amount, occurrence):
            events.append(
                FineReversed(
                    employee_id=employee,
                    year=year,
                    amount=amount,
                    occurrence=occurrence,
                    work_date=d,
                    basis=basis,
                    reason=why,
                )
            )
    for d, (amount, occurrence) in expected.items():
        standing = state.fines.get(d)
        if standing is None or standing[:2] != (amount, occurrence):
            events.append(
                FineImposed(
                    employee_id=employee,
                    year=year,
                    amount=amount,
                    occurrence=occurrence,
                    work_date=d,
                    basis=f"absence#{occurrence}",
                )
            )
    return events + _withdrawn(state, remaining, neighbours, policy, why)


def recheck(
    state: AbsenceRecordState, neighbours: frozenset[dt.date], policy: LadderPolicy, why: str
) -> list[EventData]:
    """A neighbouring year's absence was rescinded: withdraw this year's open proposal if a run
    across the year boundary no longer reaches the threshold."""
    return _withdrawn(state, state.dates, neighbours, policy, why[:500])


def _open(state: AbsenceRecordState, employee_id: str, year: int) -> int:
    if state.open_proposal is None:
        raise RuleViolated(f"no dismissal proposal is open for {employee_id} in {year}", "HR-16")
    return state.open_proposal


def dismiss(state: AbsenceRecordState, cmd: DismissEmployee, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "DismissEmployee")
    proposal = _open(state, cmd.employee_id, cmd.year)
    return [
        EmployeeDismissed(
            employee_id=cmd.employee_id,
            year=cmd.year,
            proposal=proposal,
            decided_by=cmd.actor.id,
            effective_date=cmd.effective_date,
            note=cmd.note,
        )
    ]


def decline(state: AbsenceRecordState, cmd: DeclineDismissal, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "DeclineDismissal")
    proposal = _open(state, cmd.employee_id, cmd.year)
    return [
        DismissalDeclined(
            employee_id=cmd.employee_id,
            year=cmd.year,
            proposal=proposal,
            decided_by=cmd.actor.id,
            reason=cmd.reason,
        )
    ]


registry = EventRegistry(
    [
        AbsenceCounted,
        FineImposed,
        DismissalThresholdReached,
        EmployeeDismissed,
        DismissalDeclined,
        AbsenceUncounted,
        FineReversed,
        DismissalThresholdWithdrawn,
    ]
)
ABSENCE_RECORD = AggregateType.of(HR_ABSENCE_RECORD, registry, AbsenceRecordState, evolve)
