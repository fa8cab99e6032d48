"""The business numbers the after-sales rules use, given by configuration (AS-1 reasons, AS-11
window and the transit days assumed when no delivery is recorded, AS-15 complaint response SLA (C13: 24 h), AS-17 departments, AS-14 satisfaction target) and who may issue which command (conflict C9, `roles`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aftersales.domain.roles import DEFAULT_ROLES
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
