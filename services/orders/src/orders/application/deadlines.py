"""Firing the order deadlines (ORD-1, ORD-2, ORD-3 overdue evidence; completion after AS-11's
window) and the weekly backup deadlines (ORD-4). A contact deadline outside online hours is routed
to whoever is on duty then (DUTY-1, AS-22), read from orders' view of HR's duty rota.

The scheduler calls `fire` for each due deadline; the command's cause key derives from the
deadline id, so a second firing (after a crash or a replayed schedule) appends nothing. A deadline
whose step has happened meanwhile decides nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from orders.application.handlers import Decide, OrderCommands
from orders.domain import lifecycle
from orders.domain.backup import BACKUP_DEADLINE
from orders.domain.sla import DeadlineKind
from shop_contracts.duty import Cover
from shop_contracts.envelope import SYSTEM_ACTOR

DutyCover = Callable[[datetime], Awaitable[Cover]]


class DeadlineFirer:
    """`duty`: who is on duty at an instant (HR's duty rota as orders read it, DUTY-1); an ORD-2
    contact deadline outside online hours names them on its CustomerContactOverdue."""

    def __init__(self, commands: OrderCommands, duty: DutyCover | None = None) -> None:
        self.commands = commands
        self.duty = duty

    async def _decide(self, deadline: Deadline) -> Decide:
        due = deadline.due_at
        match DeadlineKind(deadline.kind):
            case DeadlineKind.REFRESH:
                return lambda s, now: lifecycle.refresh_overdue(s, due, now)
            case DeadlineKind.CONTACT:
                cover = await self.duty(due) if self.duty is not None else None
                return lambda s, now: lifecycle.contact_overdue(s, due, now, cover)
            case DeadlineKind.HANDOVER:
                return lambda s, now: lifecycle.handover_overdue(s, due, now)
            case DeadlineKind.COMPLETE:
                return lambda s, now: lifecycle.complete(s, self.commands.policy, now)

    async def __call__(self, deadline: Deadline) -> None:
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        await self.commands.execute(deadline.aggregate_id, cause, await self._decide(deadline))


class BackupDeadlineFirer:
    """ORD-4: a week ended; `OrdersBackupOverdue` once if it has no backup (cause key from the
    deadline id, so a second firing appends nothing)."""

    def __init__(self, commands: OrderCommands) -> None:
        self.commands = commands

    async def __call__(self, deadline: Deadline) -> None:
        if deadline.kind != BACKUP_DEADLINE:
            return
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        await self.commands.backup_overdue(deadline.aggregate_id, deadline.due_at, cause)
