"""The Rota aggregate, one per published rota (HR-1..HR-6, C4, SM-DAY "after a main shift the next
day must be rest").

A rota covers the employees named for a period, both ends included. Every day needs a duty pair
(HR-1): a main shift and an assistant shift, two different employees of the rota. The day after a
main shift is that employee's rest day (HR-3): the rota gives it, and refuses to put them on duty
that day, including on the first day after the main shift of the day before the period (the
handler passes it in). Everyone else works the administrative shift (HR-2), or rests when named in
the day's rest list (HR-6) or on a rest weekday of C4 (003: only the duty pair works the weekend).
The shift-pattern set must have the main, assistant and administrative shifts (HR-5, C2).
A violated rota appends nothing; the error names each rule, date and employee.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hr.time.domain.policy import AttendancePolicy
from hr.time.domain.shifts import breaks_rest_after_main
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_ROTA
from shop_contracts.commands.hr_time import DutyPair, PublishRota
from shop_contracts.events.hr_attendance import ShiftKind
from shop_contracts.events.hr_time import RotaDay, RotaPublished
from shop_contracts.messages import EventData

DUTY = (ShiftKind.MAIN, ShiftKind.ASSISTANT, ShiftKind.ADMINISTRATIVE)


@dataclass(frozen=True)
class RotaState:
    revision: int = 0
    period_start: dt.date | None = None
    period_end: dt.date | None = None


def evolve(state: RotaState, event: EventData) -> RotaState:
    if isinstance(event, RotaPublished):
        return RotaState(event.revision, event.period_start, event.period_end)
    return state


def dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass
class _Violations:
    found: list[tuple[str, str, dict[str, object]]]

    def add(self, rule: str, message: str, **detail: object) -> None:
        self.found.append((rule, message, detail))


def _pairs(cmd: PublishRota, v: _Violations) -> dict[dt.date, DutyPair]:
    pairs: dict[dt.date, DutyPair] = {}
    for pair in cmd.days:
        if not cmd.period_start <= pair.work_date <= cmd.period_end:
            v.add("HR-1", f"{pair.work_date} is outside the period", work_date=pair.work_date.isoformat())
        elif pair.work_date in pairs:
            v.add("HR-1", f"{pair.work_date} has two duty pairs", work_date=pair.work_date.isoformat())
        else:
            pairs[pair.work_date] = pair
    return pairs


def main_before(employee: str, had_main: set[str]) -> ShiftKind | None:
    return ShiftKind.MAIN if employee in had_main else None


def _check_day(
    day: dt.date, pair: DutyPair | None, employees: set[str], resting: set[str], v: _Violations
) -> None:
    iso = day.isoformat()
    if pair is None:
        v.add("HR-1", f"{iso} has no duty pair (a main and an assistant shift)", work_date=iso)
        return
    if pair.main == pair.assistant:
        v.add(
            "HR-1", f"{iso}: {pair.main} cannot be main and assistant", work_date=iso, employees=[pair.main]
        )
    unknown = sorted({pair.main, pair.assistant, *pair.rest} - employees)
    if unknown:
        v.add(
            "HR-1",
            f"{iso}: {', '.join(unknown)} not in the rota's employees",
            work_date=iso,
            employees=unknown,
        )
    on_rest = sorted({pair.main, pair.assistant} & set(pair.rest))
    if on_rest:
        v.add(
            "HR-1", f"{iso}: {', '.join(on_rest)} both on duty and resting", work_date=iso, employees=on_rest
        )
    duty = {pair.main: ShiftKind.MAIN, pair.assistant: ShiftKind.ASSISTANT}
    on_duty = sorted(e for e, shift in duty.items() if breaks_rest_after_main(main_before(e, resting), shift))
    if on_duty:
        v.add(
            "HR-3",
            f"{iso}: {', '.join(on_duty)} had the main shift the day before and must rest, not be on duty",
            work_date=iso,
            employees=on_duty,
        )


def publish(
    state: RotaState,
    cmd: PublishRota,
    policy: AttendancePolicy,
    main_before: frozenset[str],
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """Validate the rota; `main_before` = who had the main shift on the day before the period."""
    roles.require(cmd.actor, "PublishRota")
    if state.revision and (state.period_start, state.period_end) != (cmd.period_start, cmd.period_end):
        raise RuleViolated(
            f"rota {cmd.rota_id} covers {state.period_start}..{state.period_end}; a rota for another "
            "period needs another rota_id",
            "HR-1",
        )
    schedule = cmd.schedule or policy.default_schedule
    patterns = policy.schedules.get(schedule)
    if patterns is None:
        raise InvalidCommand(
            f"no shift schedule {schedule!r}; known: {sorted(policy.schedules)}", fields=["schedule"]
        )
    missing = [str(kind) for kind in DUTY if kind not in patterns]
    if missing:
        raise RuleViolated(f"schedule {schedule} has no {' or '.join(missing)} shift for a rota", "HR-5")
    if len(set(cmd.employees)) != len(cmd.employees):
        raise InvalidCommand("an employee is named twice in the rota's employees", fields=["employees"])
    employees = set(cmd.employees)
    v = _Violations([])
    pairs = _pairs(cmd, v)
    days: list[RotaDay] = []
    resting = set(main_before & employees)
    for day in dates(cmd.period_start, cmd.period_end):
        pair = pairs.get(day)
        _check_day(day, pair, employees, resting, v)
        if pair is None:
            resting = set()
            continue
        rest = ({*pair.rest} | resting) - {pair.main, pair.assistant}
        resting = {pair.main}
        if policy.calendar.is_rest_weekday(day):
            rest |= employees - {pair.main, pair.assistant}
        administrative = employees - rest - {pair.main, pair.assistant}
        days.append(
            RotaDay(
                work_date=day,
                main=pair.main,
                assistant=pair.assistant,
                administrative=tuple(sorted(administrative)),
                rest=tuple(sorted(rest)),
            )
        )
    if v.found:
        message = "; ".join(f"[{rule}] {text}" for rule, text, _ in v.found)
        details = [{"rule": rule, **detail} for rule, _, detail in v.found]
        raise RuleViolated(f"rota {cmd.rota_id} is not published: {message}", v.found[0][0], details)
    return [
        RotaPublished(
            rota_id=cmd.rota_id,
            revision=state.revision + 1,
            period_start=cmd.period_start,
            period_end=cmd.period_end,
            schedule=schedule,
            employees=tuple(cmd.employees),
            days=tuple(days),
            published_by=cmd.actor.id,
        )
    ]


def shifts_of(day: RotaDay) -> list[tuple[str, ShiftKind]]:
    """Each employee's shift on a rota day."""
    return [
        (day.main, ShiftKind.MAIN),
        (day.assistant, ShiftKind.ASSISTANT),
        *((e, ShiftKind.ADMINISTRATIVE) for e in day.administrative),
        *((e, ShiftKind.REST) for e in day.rest),
    ]


registry = EventRegistry([RotaPublished])
ROTA = AggregateType.of(HR_ROTA, registry, RotaState, evolve)
