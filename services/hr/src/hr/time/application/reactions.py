"""HR's reactions to its own events: the absence ladder counts AbsenceRecorded and uncounts
AbsenceRescinded (SM-ABS, HR-16, HR-14, HR-20), leave requests are noted on the attendance days they
cover (SM-DAY), and a published rota assigns its shifts to the attendance days (HR-1..HR-4).

A Projection with side effects and no tables, on its own durable consumer of the HR stream
(AttendanceDay subjects): for every AbsenceRecorded it counts the absence on the employee's ladder
with `Cause.of_event`, so a redelivered event appends nothing. Reactions never run during a replay.
"""

from __future__ import annotations

import datetime as dt

import structlog

from hr.time.application.handlers import AttendanceCommands
from hr.time.application.rota_handlers import RotaCommands
from hr.time.domain.events import LeaveNotedForDay
from hr.time.domain.leave_state import LeaveState
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import HR_ATTENDANCE_DAY, HR_LEAVE_REQUEST, HR_ROTA
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr import AbsenceRecorded, AbsenceRescinded
from shop_contracts.events.hr_leave import LeaveApproved, LeaveExtended, LeaveRequested, LeaveWithdrawn
from shop_contracts.events.hr_time import RotaPublished

log = structlog.get_logger(__name__)


class AbsenceLadderReaction(Reaction):
    name = "hr_absence_ladder"
    sources = (HR_ATTENDANCE_DAY,)
    models = (AbsenceRecorded, AbsenceRescinded)
    handles = frozenset({AbsenceRecorded.event_type, AbsenceRescinded.event_type})

    def __init__(self, commands: AttendanceCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        envelope = item.event.envelope
        cause = Cause.of_event(self.name, envelope, SYSTEM_ACTOR)
        if isinstance(item.data, AbsenceRescinded):
            await self.commands.rescind_absence(item.data, cause)
            return
        if not isinstance(item.data, AbsenceRecorded):
            return
        result = await self.commands.count_absence(item.data, cause)
        if not result.event_ids:
            log.info(
                "absence_already_counted", employee_id=item.data.employee_id, day=str(item.data.work_date)
            )


class AttendanceLeaveReaction(Reaction):
    """Notes each leave request on the attendance days it covers (SM-DAY inputs; HR-12 (a), HR-18):
    requested (not yet an excuse), then approved or extended (the day is excused), or withdrawn
    (SM-LEAVE: no longer covers the day). One command per
    day with `Cause.of_event`, so a redelivered event appends nothing."""

    name = "hr_attendance_leave"
    sources = (HR_LEAVE_REQUEST,)
    models = (LeaveRequested, LeaveApproved, LeaveExtended, LeaveWithdrawn)
    handles = frozenset(m.event_type for m in models)

    def __init__(self, commands: AttendanceCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        envelope, data = item.event.envelope, item.data
        state: LeaveState = await self.commands.leaves.state(envelope.aggregate_id, fresh=True)
        withdrawn = False
        match data:
            case LeaveRequested():
                start, end, approved = data.start_date, data.end_date, False
            case LeaveWithdrawn():
                start, end, approved, withdrawn = state.start_date, state.end_date, False, True
            case LeaveApproved():
                start, end, approved = state.start_date, state.end_date, True
            case LeaveExtended():
                start, end, approved = state.start_date, data.new_end_date, True
            case _:
                return
        cause = Cause.of_event(self.name, envelope, SYSTEM_ACTOR)
        day = start
        while day <= end:
            note = LeaveNotedForDay(
                employee_id=state.employee_id,
                work_date=day,
                leave_id=envelope.aggregate_id,
                leave_type=str(state.leave_type),
                approved=approved,
                withdrawn=withdrawn,
            )
            await self.commands.note_leave(note, cause)
            day += dt.timedelta(days=1)


class RotaShiftsReaction(Reaction):
    """Assigns each published rota day's shifts to the attendance days (HR-1..HR-4, SM-DAY), so the
    deadlines and the end-of-day evaluation work from the rota. `Cause.of_event` per day, so a
    redelivered RotaPublished appends nothing; an evaluated day is left as it is."""

    name = "hr_rota_shifts"
    sources = (HR_ROTA,)
    models = (RotaPublished,)
    handles = frozenset({RotaPublished.event_type})

    def __init__(self, commands: RotaCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        if not isinstance(item.data, RotaPublished):
            return
        cause = Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR)
        appended = await self.commands.assign_rota_shifts(item.data, cause)
        log.info(
            "rota_shifts_assigned", rota_id=item.data.rota_id, revision=item.data.revision, events=appended
        )
