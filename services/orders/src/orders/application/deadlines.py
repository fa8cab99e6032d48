"""Firing the order deadlines (ORD-1, ORD-2, ORD-3 overdue evidence; completion after AS-11's
window) and the weekly backup deadlines (ORD-4).

The scheduler calls `fire` for each due deadline; the command's cause key derives from the
deadline id, so a second firing (after a crash or a replayed schedule) appends nothing. A deadline
whose step has happened meanwhile decides nothing.
"""

from __future__ import annotations

from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from orders.application.handlers import Decide, OrderCommands
from orders.domain import lifecycle
from orders.domain.backup import BACKUP_DEADLINE
from orders.domain.sla import DeadlineKind
from shop_contracts.envelope import SYSTEM_ACTOR


class DeadlineFirer:
    def __init__(self, commands: OrderCommands) -> None:
        self.commands = commands

    def _decide(self, deadline: Deadline) -> Decide:
        due = deadline.due_at
        match DeadlineKind(deadline.kind):
            case DeadlineKind.REFRESH:
                return lambda s, now: lifecycle.refresh_overdue(s, due, now)
            case DeadlineKind.CONTACT:
                return lambda s, now: lifecycle.contact_overdue(s, due, now)
            case DeadlineKind.HANDOVER:
                return lambda s, now: lifecycle.handover_overdue(s, due, now)
            case DeadlineKind.COMPLETE:
                return lambda s, now: lifecycle.complete(s, self.commands.policy, now)

    async def __call__(self, deadline: Deadline) -> None:
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        await self.commands.execute(deadline.aggregate_id, cause, self._decide(deadline))


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
