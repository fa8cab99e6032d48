"""Tasks, training sessions and reports (KPI-8, KPI-9, KPI-10, C12).

- KPI-9: a task of more than `verbal_task_max_hours` (2 h) must be written; a verbal one is
  refused. Each task id once.
- KPI-10: training on the configured weekday (Saturday) afternoon; each speaker 20 min talk and
  10 min questions, speakers in turn (no speaker twice in a row). Another shape only when
  `allow_other_shapes` is on and the command says why (`exception`).
- KPI-8, C12: a report of each kind once per period; the period's form and due time by kind
  (daily report: the day by 17:30; weekly statistics: the ISO week, due its Friday; monthly
  statistics: the month, due the 1st of the next; Monday meeting minutes: the ISO week, due its
  Monday by 12:00; month-end report: the month, due its last day). Submitted after the due time
  it is recorded `late`.
- KPI-12: the quarterly compliance inspection of staff is a report of its quarter (`2026-Q2`),
  due the quarter's last day.
- KPI-8 reminders: a report not yet submitted is reminded (`ReportDue`) `reminder_lead_min`
  before its due time and reported `ReportOverdue` at it, each once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from kpi.domain.months import bounds
from kpi.domain.policy import KpiPolicy
from shop_contracts.aggregates import KPI_REPORT, KPI_TASK, KPI_TRAINING
from shop_contracts.commands.kpi import AssignTask, ScheduleTraining, SubmitReport
from shop_contracts.events.kpi import (
    ReportDue,
    ReportKind,
    ReportOverdue,
    ReportSubmitted,
    TaskAssigned,
    TrainingScheduled,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class Once:
    done: bool = False


def _evolve(state: Once, event: EventData) -> Once:
    return Once(True)


TASK = AggregateType.of(KPI_TASK, EventRegistry([TaskAssigned]), Once, _evolve)
TRAINING = AggregateType.of(KPI_TRAINING, EventRegistry([TrainingScheduled]), Once, _evolve)


@dataclass(frozen=True)
class ReportState:
    submitted: bool = False
    reminded: bool = False
    overdue: bool = False


def _evolve_report(state: ReportState, event: EventData) -> ReportState:
    match event:
        case ReportSubmitted():
            return ReportState(True, state.reminded, state.overdue)
        case ReportDue():
            return ReportState(state.submitted, True, state.overdue)
        case ReportOverdue():
            return ReportState(state.submitted, state.reminded, True)
    return state


REPORT = AggregateType.of(
    KPI_REPORT, EventRegistry([ReportSubmitted, ReportDue, ReportOverdue]), ReportState, _evolve_report
)


def assign(state: Once, cmd: AssignTask, policy: KpiPolicy, now: dt.datetime) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "AssignTask")
    if state.done:
        raise RuleViolated(f"KPI-9: task {cmd.task_id} is assigned already", "KPI-9")
    limit = policy.verbal_task_max_hours
    if cmd.estimated_hours > limit and not cmd.written:
        raise RuleViolated(
            f"KPI-9: a task of {cmd.estimated_hours} h is over {limit} h and must be a written task (written=true)",
            "KPI-9",
        )
    return [
        TaskAssigned(
            task_id=cmd.task_id,
            assignee=cmd.assignee,
            description=cmd.description,
            estimated_hours=cmd.estimated_hours,
            written=cmd.written,
            due_on=cmd.due_on,
            assigned_by=cmd.actor.id,
            assigned_at=now,
        )
    ]


def _shape_problems(cmd: ScheduleTraining, policy: KpiPolicy) -> list[str]:
    t = policy.training
    problems = []
    if cmd.on.isoweekday() != t.weekday:
        problems.append(f"{cmd.on.isoformat()} is not on ISO weekday {t.weekday}")
    total = sum(x.talk_min + x.qa_min for x in cmd.talks)
    start = dt.datetime.combine(cmd.on, cmd.starts_at)
    if cmd.starts_at < t.afternoon_from or (start + dt.timedelta(minutes=total)).time() > t.afternoon_until:
        problems.append(f"the session is not within {t.afternoon_from:%H:%M}-{t.afternoon_until:%H:%M}")
    shapes = [x.speaker for x in cmd.talks if (x.talk_min, x.qa_min) != (t.talk_min, t.qa_min)]
    if shapes:
        problems.append(f"{', '.join(shapes)}: each turn is {t.talk_min} min talk + {t.qa_min} min questions")
    if any(a.speaker == b.speaker for a, b in zip(cmd.talks, cmd.talks[1:], strict=False)):
        problems.append("speakers take turns (the same speaker twice in a row)")
    return problems


def schedule(state: Once, cmd: ScheduleTraining, policy: KpiPolicy, now: dt.datetime) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "ScheduleTraining")
    if state.done:
        raise RuleViolated(f"KPI-10: session {cmd.session_id} is scheduled already", "KPI-10")
    problems = _shape_problems(cmd, policy)
    if problems and not (policy.training.allow_other_shapes and cmd.exception):
        hint = (
            "; say why in exception"
            if policy.training.allow_other_shapes
            else " (KPI_POLICY__TRAINING__ALLOW_OTHER_SHAPES is off)"
        )
        raise RuleViolated(f"KPI-10: {'; '.join(problems)}{hint}", "KPI-10")
    return [
        TrainingScheduled(
            session_id=cmd.session_id,
            on=cmd.on,
            starts_at=cmd.starts_at,
            talks=cmd.talks,
            exception=cmd.exception if problems else None,
            scheduled_by=cmd.actor.id,
            scheduled_at=now,
        )
    ]


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def report_id(kind: ReportKind, period: str) -> str:
    return f"{kind.value}-{period}"


def due_at(kind: ReportKind, period: str, policy: KpiPolicy, tz: ZoneInfo) -> dt.datetime:
    """KPI-8: when a report of `kind` for `period` is due (business time zone)."""
    r = policy.reports
    try:
        if kind is ReportKind.DAILY_REPORT:
            if not _DAY.match(period):
                raise ValueError
            day, until = dt.date.fromisoformat(period), r.daily_until
        elif kind in (ReportKind.WEEKLY_STATISTICS, ReportKind.WEEKLY_MEETING_MINUTES):
            m = _WEEK.match(period)
            if m is None:
                raise ValueError
            weekday = 5 if kind is ReportKind.WEEKLY_STATISTICS else 1
            day = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), weekday)
            until = r.statistics_until if weekday == 5 else r.meeting_minutes_until
        elif kind is ReportKind.COMPLIANCE_INSPECTION:
            q = _QUARTER.match(period)
            if q is None:
                raise ValueError
            _, day = bounds(f"{q.group(1)}-{int(q.group(2)) * 3:02d}")
            until = r.month_end_until
        else:
            if not _MONTH.match(period):
                raise ValueError
            _, last = bounds(period)
            if kind is ReportKind.MONTHLY_STATISTICS:
                day, until = last + dt.timedelta(days=1), r.statistics_until
            else:
                day, until = last, r.month_end_until
    except ValueError:
        forms = {
            ReportKind.DAILY_REPORT: "a date YYYY-MM-DD",
            ReportKind.WEEKLY_STATISTICS: "an ISO week YYYY-Www",
            ReportKind.WEEKLY_MEETING_MINUTES: "an ISO week YYYY-Www",
            ReportKind.COMPLIANCE_INSPECTION: "a quarter YYYY-Qn",
        }
        raise InvalidCommand(
            f"KPI-8: the period of a {kind.value} is {forms.get(kind, 'a month YYYY-MM')}",
            "KPI-8",
            fields=["period"],
        ) from None
    return dt.datetime.combine(day, until, tzinfo=tz)


def submit(
    state: ReportState, cmd: SubmitReport, policy: KpiPolicy, tz: ZoneInfo, now: dt.datetime
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "SubmitReport")
    due = due_at(cmd.kind, cmd.period, policy, tz)
    if state.submitted:
        raise RuleViolated(f"KPI-8: the {cmd.kind.value} of {cmd.period} is submitted already", "KPI-8")
    return [
        ReportSubmitted(
            kind=cmd.kind,
            period=cmd.period,
            submitted_by=cmd.actor.id,
            submitted_at=now,
            due_at=due,
            late=now > due,
            summary=cmd.summary,
        )
    ]


def remind(
    state: ReportState, kind: ReportKind, period: str, due: dt.datetime, now: dt.datetime
) -> Sequence[EventData]:
    """KPI-8: the reminder before the due time, unless submitted or reminded already."""
    if state.submitted or state.reminded:
        return []
    return [ReportDue(kind=kind, period=period, due_at=due, reminded_at=now)]


def overdue(
    state: ReportState, kind: ReportKind, period: str, due: dt.datetime, now: dt.datetime
) -> Sequence[EventData]:
    """KPI-8: overdue once at the due time, unless submitted."""
    if state.submitted or state.overdue:
        return []
    return [ReportOverdue(kind=kind, period=period, due_at=due, detected_at=now)]
