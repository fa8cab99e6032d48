"""Firing the complaint response deadline (AS-15, C13: 24 hours).

The scheduler calls the firer for each due deadline; the command's cause key derives from the
deadline id, so a second firing (after a crash, a restart or a replayed schedule) appends nothing.
A complaint answered or resolved meanwhile decides nothing. A deadline outside online hours is
routed to whoever is on duty then (DUTY-1, AS-22), read from after-sales' view of HR's duty rota.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from aftersales.customers.application.commands import CustomerCommands
from aftersales.customers.domain import complaints
from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from shop_contracts.duty import Cover
from shop_contracts.envelope import SYSTEM_ACTOR

DutyCover = Callable[[datetime], Awaitable[Cover]]


class ComplaintDeadlineFirer:
    """`duty`: who is on duty at an instant (HR's duty rota as after-sales reads it, DUTY-1); a
    reply deadline outside online hours names them on its ComplaintResponseOverdue."""

    def __init__(self, commands: CustomerCommands, duty: DutyCover | None = None) -> None:
        self.commands = commands
        self.duty = duty

    async def __call__(self, deadline: Deadline) -> None:
        if deadline.kind != complaints.RESPONSE_DEADLINE:
            return
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        due = deadline.due_at
        cover = await self.duty(due) if self.duty is not None else None
        await self.commands.complaints.execute(
            deadline.aggregate_id, cause, lambda s, now: complaints.response_overdue(s, due, now, cover)
        )
