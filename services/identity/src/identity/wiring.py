"""Wires the identity service onto the runtime (issue 17, IDN-1..IDN-6): GrantRole and RevokeRole
on the RoleHolder aggregate, the offboarding reaction on HR's Employee events (IDN-5), the grant
history projection and the RolesOf / ListGrants queries. Each projection names its source
aggregates; the runtime derives the durable consumers from them (decision 0007).
"""

from __future__ import annotations

from typing import Any

from identity.adapters import queries
from identity.adapters.views import GrantHistory
from identity.application.handlers import RoleCommands
from identity.application.reactions import OffboardingReactions
from identity.domain.grants import ROLE_HOLDER
from identity.domain.policy import GrantorPolicy
from jetstream_es.identity import require_own_or
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.identity import GrantRole, RevokeRole
from shop_contracts.queries.identity import ROLE_READERS, ListGrants, RolesOf

NAME = "identity"
COMMANDS = (GrantRole, RevokeRole)


class IdentityService:
    """The running service's parts, kept so queries and tests find them."""

    def __init__(self, runtime: ServiceRuntime, policy: GrantorPolicy) -> None:
        self.runtime = runtime
        self.holders = runtime.aggregates(ROLE_HOLDER)
        self.commands = RoleCommands(self.holders, policy)
        self.history = GrantHistory()

    def wire(self) -> None:
        rt, cmds = self.runtime, self.commands
        rt.command(GrantRole, cmds.grant)
        rt.command(RevokeRole, cmds.revoke)
        rt.projection(self.history)
        rt.projection(OffboardingReactions(cmds))
        rt.query(RolesOf, self.roles_of)
        rt.query(ListGrants, self.list_grants)

    async def roles_of(self, query: RolesOf) -> dict[str, Any]:
        """IDN-6: the person themself, or identity_admin, hr_dept, the issuer (identity_issuer)."""
        require_own_or(query.person_id, ROLE_READERS, what="the roles", rule="IDN-6")
        return queries.roles_of(query.person_id, await self.holders.state(query.person_id, fresh=True))

    async def list_grants(self, query: ListGrants) -> dict[str, Any]:
        tables = self.runtime.runner(self.history.name).tables
        return await queries.list_grants(self.runtime.engine, tables, query)
