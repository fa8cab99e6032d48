"""Firing the end-of-day evaluation (SM-DAY): the attendance deadlines projection schedules one per
assigned working shift, due at the shift end plus the grace setting.

The scheduler calls the firer for each due deadline; the cause key derives from the deadline id, so
a second firing appends nothing, and a day a supervisor evaluated earlier decides nothing.
"""

from __future__ import annotations

import datetime as dt

from hr.time.application.handlers import AttendanceCommands
from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from shop_contracts.envelope import SYSTEM_ACTOR


class EvaluationFirer:
    def __init__(self, commands: AttendanceCommands) -> None:
        self.commands = commands

    async def __call__(self, deadline: Deadline) -> None:
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        employee_id = str(deadline.payload["employee_id"])
        work_date = dt.date.fromisoformat(str(deadline.payload["work_date"]))
        await self.commands.evaluate_when_due(employee_id, work_date, cause)
