"""HR's reactions to its own events: the absence ladder counts AbsenceRecorded (SM-ABS, HR-16), and
leave requests are noted on the attendance days they cover (SM-DAY).

A Projection with side effects and no tables, on its own durable consumer of the HR stream
(AttendanceDay subjects): for every AbsenceRecorded it counts the absence on the employee's ladder
with `Cause.of_event`, so a redelivered event appends nothing. Reactions never run during a replay.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from hr.application.handlers import HrCommands
from hr.domain import leave_state
from hr.domain.events import LeaveNotedForDay
from hr.domain.leave_state import LEAVE_REQUEST, LeaveState
from jetstream_es.commands import Cause
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr import AbsenceRecorded
from shop_contracts.events.hr_leave import LeaveApproved, LeaveExtended, LeaveRequested

log = structlog.get_logger(__name__)


class AbsenceLadderReaction(Projection):
    name = "hr_absence_ladder"
    stream = "HR"
    filter_subjects = ("hr.events.AttendanceDay.>",)
    handles = frozenset({AbsenceRecorded.event_type})
    side_effects = True
    skip_unknown_types = True

    def __init__(self, commands: HrCommands) -> None:
        super().__init__(EventRegistry([AbsenceRecorded]))
        self.commands = commands

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        if ctx.replaying or not isinstance(item.data, AbsenceRecorded):
            return
        envelope = item.event.envelope
        cause = Cause.of_event(self.name, envelope, SYSTEM_ACTOR)
        result = await self.commands.count_absence(item.data, cause)
        if not result.event_ids:
            log.info(
                "absence_already_counted", employee_id=item.data.employee_id, day=str(item.data.work_date)
            )


class AttendanceLeaveReaction(Projection):
    """Notes each leave request on the attendance days it covers (SM-DAY inputs; HR-12 (a), HR-18):
    requested (not yet an excuse), then approved or extended (the day is excused). One command per
    day with `Cause.of_event`, so a redelivered event appends nothing."""

    name = "hr_attendance_leave"
    stream = "HR"
    filter_subjects = ("hr.events.LeaveRequest.>",)
    handles = frozenset({LeaveRequested.event_type, LeaveApproved.event_type, LeaveExtended.event_type})
    side_effects = True
    skip_unknown_types = True

    def __init__(self, commands: HrCommands) -> None:
        super().__init__(leave_state.registry)
        self.commands = commands

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        if ctx.replaying:
            return
        envelope, data = item.event.envelope, item.data
        loaded = await self.commands.repo(LEAVE_REQUEST).load(envelope.aggregate_id, refresh=True)
        state: LeaveState = loaded.state
        match data:
            case LeaveRequested():
                start, end, approved = data.start_date, data.end_date, False
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
            )
            await self.commands.note_leave(note, cause)
            day += dt.timedelta(days=1)
