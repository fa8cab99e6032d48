"""The business numbers the after-sales rules use, given by configuration (AS-1 reasons, AS-11
window and the transit days assumed when no delivery is recorded, AS-15 complaint response SLA
(C13: 24 h), AS-17 departments, AS-14 satisfaction target), who may issue which command (conflict
C9, `roles`) and the role escalated complaints go to (AS-19, `escalation_role`), one of those who
may resolve them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aftersales.shared.roles import DEFAULT_ROLES
from jetstream_es.roles import CommandRoles

DEFAULT_REASONS = frozenset(
    {"quality", "not_as_described", "wrong_item", "damaged_in_transit", "not_received", "changed_mind"}
)
DEFAULT_DEPARTMENTS = frozenset({"presales", "aftersales", "orders", "warehouse", "product", "ecommerce"})


@dataclass(frozen=True)
class AftersalesPolicy:
    refund_reasons: frozenset[str] = DEFAULT_REASONS
    quality_reasons: frozenset[str] = frozenset({"quality"})
    quality_window: timedelta = timedelta(days=7)
    transit_allowance: timedelta = timedelta(days=3)
    complaint_response_within: timedelta = timedelta(hours=24)
    departments: frozenset[str] = DEFAULT_DEPARTMENTS
    satisfaction_target: int = 5
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (defaults in roles.py, overridden by AFTERSALES_COMMAND_ROLES)."""
    escalation_role: str = ""
    """AS-19: the role an escalated complaint goes to (AFTERSALES_ESCALATION_ROLE); empty: the first
    role of `ResolveEscalatedComplaint` (cs_supervisor by default), so the role it reaches may
    resolve it."""

    def __post_init__(self) -> None:
        if not self.escalation_role:
            object.__setattr__(self, "escalation_role", self.roles.roles("ResolveEscalatedComplaint")[0])
        check_escalation_role(self.escalation_role, self.roles)


def check_escalation_role(role: str, roles: CommandRoles) -> None:
    """AS-19: an escalated complaint goes to a role that may resolve it; a ValueError naming both
    settings otherwise (nobody it reaches could close it)."""
    resolvers = roles.roles("ResolveEscalatedComplaint")
    if role not in resolvers:
        raise ValueError(
            f"AFTERSALES_ESCALATION_ROLE: {role} may not resolve an escalated complaint "
            f"(ResolveEscalatedComplaint: {', '.join(resolvers)}); escalate to one of those roles or "
            "add it to ResolveEscalatedComplaint in AFTERSALES_COMMAND_ROLES (AS-19)"
        )
