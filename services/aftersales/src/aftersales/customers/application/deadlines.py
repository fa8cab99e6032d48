"""Firing the complaint response deadline (AS-15, C13: 24 hours).

The scheduler calls the firer for each due deadline; the command's cause key derives from the
deadline id, so a second firing (after a crash, a restart or a replayed schedule) appends nothing.
A complaint answered or resolved meanwhile decides nothing.
"""

from __future__ import annotations

from aftersales.customers.application.commands import CustomerCommands
from aftersales.customers.domain import complaints
from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from shop_contracts.envelope import SYSTEM_ACTOR


class ComplaintDeadlineFirer:
    def __init__(self, commands: CustomerCommands) -> None:
        self.commands = commands

    async def __call__(self, deadline: Deadline) -> None:
        if deadline.kind != complaints.RESPONSE_DEADLINE:
            return
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        due = deadline.due_at
        await self.commands.complaints.execute(
            deadline.aggregate_id, cause, lambda s, now: complaints.response_overdue(s, due, now)
        )
