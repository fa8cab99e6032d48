"""Firing the end of the new-product window (CAT-3, 新产品上架时权限为30天).

The scheduler calls the firer for each due deadline; the command's cause key derives from the
deadline id, so a second firing (after a crash, a restart or a replayed schedule) appends nothing,
and the decision itself appends nothing for a window already expired.
"""

from __future__ import annotations

from catalog.application.handlers import ProductCommands
from catalog.domain.product import NEW_WINDOW_DEADLINE
from jetstream_es.commands import Cause
from jetstream_es.deadlines import Deadline
from shop_contracts.envelope import SYSTEM_ACTOR


class NewWindowFirer:
    def __init__(self, commands: ProductCommands) -> None:
        self.commands = commands

    async def __call__(self, deadline: Deadline) -> None:
        if deadline.kind != NEW_WINDOW_DEADLINE:
            return
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        await self.commands.window_expired(deadline.aggregate_id, deadline.due_at, cause)
