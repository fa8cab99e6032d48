"""Command handlers: load the person's RoleHolder, let the domain decide, append (IDN-1..IDN-5).

The actor is the command's, which the runtime takes from the request's signed token (decision
0009); the offboarding reaction runs in-process with the system actor (IDN-5).
"""

from __future__ import annotations

from identity.domain import grants
from identity.domain.grants import RoleHolder
from identity.domain.policy import GrantorPolicy
from jetstream_es.commands import Aggregates, Cause, CommandResult, cause_of
from shop_contracts.commands.identity import GrantRole, RevokeRole
from shop_contracts.events.hr_people import EmployeeOffboarded


class RoleCommands:
    """Every way a RoleHolder changes; the aggregates are the runtime's (`aggregates(ROLE_HOLDER)`)."""

    def __init__(self, holders: Aggregates[RoleHolder], policy: GrantorPolicy) -> None:
        self.holders, self.policy = holders, policy

    async def grant(self, cmd: GrantRole) -> CommandResult:
        return await self.holders.execute(
            cmd.person_id,
            cause_of(cmd),
            lambda s, now: grants.grant(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def revoke(self, cmd: RevokeRole) -> CommandResult:
        return await self.holders.execute(
            cmd.person_id,
            cause_of(cmd),
            lambda s, now: grants.revoke(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def offboarded(self, event: EmployeeOffboarded, cause: Cause) -> CommandResult:
        """IDN-5: revoke every role of the offboarded employee (`cause`: `Cause.of_event`)."""
        return await self.holders.execute(
            event.employee_id, cause, lambda s, now: grants.offboarded(s, event, now), must_exist=False
        )
