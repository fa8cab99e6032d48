"""IDN-5: HR's `EmployeeOffboarded` revokes every role the person holds.

A reaction on HR's Employee events (`identity-offboarding`): it runs in-process with the system
actor (it does not go over NATS, so it carries no token), and its cause is `Cause.of_event`, so a
redelivered event appends nothing. A person holding no roles gets nothing appended.
"""

from __future__ import annotations

import structlog

from identity.application.handlers import RoleCommands
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import HR_EMPLOYEE
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr_people import EmployeeOffboarded

log = structlog.get_logger(__name__)


class OffboardingReactions(Reaction):
    name = "identity_offboarding"
    sources = (HR_EMPLOYEE,)
    models = (EmployeeOffboarded,)
    handles = frozenset(m.event_type for m in models)

    def __init__(self, commands: RoleCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        if not isinstance(item.data, EmployeeOffboarded):
            return
        envelope = item.event.envelope
        result = await self.commands.offboarded(item.data, Cause.of_event(self.name, envelope, SYSTEM_ACTOR))
        log.info(
            "roles_revoked_on_offboarding",
            person_id=item.data.employee_id,
            revoked=len(result.event_ids),
            repeated=result.repeated,
        )
