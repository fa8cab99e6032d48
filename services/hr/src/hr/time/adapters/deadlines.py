"""The attendance deadlines projection (SM-DAY): each working shift assigned schedules the day's
end-of-day evaluation at the shift end plus the grace setting; a reassigned shift replaces it,
and an evaluated day cancels it. `jetstream_es.deadlines.DeadlineScheduler` fires them
(application/deadlines.py). Due times derive from the events, so a rebuild schedules the same.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, Table, and_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from hr.time.domain.attendance_state import registry
from hr.time.domain.evaluation import EVALUATE_DAY
from hr.time.domain.policy import AttendancePolicy
from jetstream_es.deadlines import Deadline, define_deadlines_table, schedule
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from shop_contracts.aggregates import HR_ATTENDANCE_DAY
from shop_contracts.events.hr_attendance import AttendanceDayEvaluated, ShiftAssigned


async def cancel_open(conn: AsyncConnection, table: Table, day_id: str, at: datetime) -> None:
    where = and_(table.c.aggregate_id == day_id, table.c.fired_at.is_(None), table.c.cancelled_at.is_(None))
    await conn.execute(update(table).where(where).values(cancelled_at=at))


class AttendanceDeadlines(Projection):
    name = "hr_attendance_deadlines"
    sources = (HR_ATTENDANCE_DAY,)
    handles = frozenset({ShiftAssigned.event_type, AttendanceDayEvaluated.event_type})
    skip_unknown_types = True

    def __init__(self, policy: AttendancePolicy) -> None:
        super().__init__(registry)
        self.policy = policy

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {"deadlines": define_deadlines_table(metadata, f"_hr{suffix}")}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, data, envelope = tables["deadlines"], item.data, item.event.envelope
        day, at = envelope.aggregate_id, envelope.occurred_at
        match data:
            case ShiftAssigned():
                await cancel_open(conn, table, day, at)
                if data.periods:
                    payload = {"employee_id": data.employee_id, "work_date": data.work_date.isoformat()}
                    due = data.periods[-1][1] + self.policy.evaluation_grace
                    deadline = Deadline(
                        f"{EVALUATE_DAY}/{day}/{envelope.version}", EVALUATE_DAY, day, due, payload
                    )
                    await schedule(conn, table, deadline)
            case AttendanceDayEvaluated():
                await cancel_open(conn, table, day, at)
