"""The absence ladder reacts to HR's own AbsenceRecorded events (SM-ABS, HR-16).

A Projection with side effects and no tables, on its own durable consumer of the HR stream
(AttendanceDay subjects): for every AbsenceRecorded it counts the absence on the employee's ladder
with `Cause.of_event`, so a redelivered event appends nothing. Reactions never run during a replay.
"""

from __future__ import annotations

import structlog
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from hr.application.handlers import HrCommands
from jetstream_es.commands import Cause
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr import AbsenceRecorded

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
