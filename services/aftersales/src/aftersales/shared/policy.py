"""The business numbers the after-sales rules use, each declared once with its default, bounds and
rule, in the units operators set (AS-1 reasons, AS-11 quality reasons, AS-15 complaint response SLA
(C13: 24 h), AS-17 departments, AS-14 satisfaction target, AS-19 escalation role): `AftersalesNumbers`
are the service's own settings (`AFTERSALES_*`, `AftersalesSettings` inherits them);
`AftersalesPolicy` adds what comes from elsewhere: the department's transit allowance and return
window (AS-11, `SHOP_TRANSIT_DAYS`, `SHOP_RETURN_WINDOW_DAYS`) and who may issue which command
(conflict C9, `roles`). The role escalated complaints go to is one of those who may resolve them."""

from __future__ import annotations

from datetime import timedelta

from pydantic import ConfigDict, Field, model_validator

from aftersales.shared.roles import DEFAULT_ROLES
from jetstream_es.roles import CommandRoles
from shop_contracts.duty import OnlineHours
from shop_contracts.messages import ROLE_ID_PATTERN

DEFAULT_REASONS = frozenset(
    {"quality", "not_as_described", "wrong_item", "damaged_in_transit", "not_received", "changed_mind"}
)
DEFAULT_DEPARTMENTS = frozenset({"presales", "aftersales", "orders", "warehouse", "product", "ecommerce"})


class AftersalesNumbers(OnlineHours):
    """The numbers and lists operators set for after-sales (`AFTERSALES_<FIELD>`); with the online
    hours (AS-22), the weekend cover (C4) and the escalation role (DUTY-1) that route an
    out-of-hours reply deadline to whoever is on duty (`AFTERSALES_ONLINE_HOURS_START`, ...,
    `AFTERSALES_DUTY_ESCALATION_ROLE`)."""

    model_config = ConfigDict(frozen=True)

    refund_reasons: frozenset[str] = Field(
        DEFAULT_REASONS, min_length=1, description="AS-1: the refund reasons a buyer may give (JSON list)"
    )
    quality_reasons: frozenset[str] = Field(
        frozenset({"quality"}),
        description="AS-11: reasons that count as a quality problem, limited to the window (JSON list)",
    )
    complaint_response_hours: int = Field(
        24, ge=1, description="AS-15 (C13): hours within which a complaint gets a response"
    )
    consultation_departments: frozenset[str] = Field(
        DEFAULT_DEPARTMENTS,
        min_length=1,
        description="AS-17: departments a consultation or complaint can be routed to (JSON list)",
    )
    satisfaction_target: int = Field(5, ge=1, le=5, description="AS-14: the rating a return visit aims for")
    escalation_role: str | None = Field(
        None,
        pattern=ROLE_ID_PATTERN,
        description="AS-19 (C9): the role an escalated complaint goes to, one of the roles of "
        "ResolveEscalatedComplaint; unset: its first role (003: the customer-service supervisor)",
    )

    @property
    def complaint_response_within(self) -> timedelta:
        return timedelta(hours=self.complaint_response_hours)

    @property
    def departments(self) -> frozenset[str]:
        return self.consultation_departments


class AftersalesPolicy(AftersalesNumbers):
    """The after-sales rules' numbers and what comes from outside the service's own settings."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    transit_days: int = Field(
        3,
        ge=0,
        description="AS-11: stamp to receipt when no delivery is recorded (the department's SHOP_TRANSIT_DAYS)",
    )
    return_window_days: int = Field(
        7,
        ge=0,
        description="AS-11: days after receipt for a quality return (the department's SHOP_RETURN_WINDOW_DAYS)",
    )
    roles: CommandRoles = Field(
        DEFAULT_ROLES,
        description="C9: who may issue which command (defaults in roles.py, overridden by AFTERSALES_COMMAND_ROLES)",
    )

    @property
    def quality_window(self) -> timedelta:
        return timedelta(days=self.return_window_days)

    @property
    def transit_allowance(self) -> timedelta:
        return timedelta(days=self.transit_days)

    @model_validator(mode="after")
    def _escalation_role_resolves(self) -> AftersalesPolicy:
        """AS-19: unset, the first role of `ResolveEscalatedComplaint` (cs_supervisor by default);
        set, one of its roles, so the role it reaches may resolve it."""
        if not self.escalation_role:
            object.__setattr__(self, "escalation_role", self.roles.roles("ResolveEscalatedComplaint")[0])
        check_escalation_role(str(self.escalation_role), self.roles)
        return self


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
