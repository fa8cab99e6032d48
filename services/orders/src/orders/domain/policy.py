"""The business numbers the order rules use, given by configuration (ORD-1, ORD-2, ORD-3, ORD-4
weeks in the business time zone, ORD-12, AS-11 with the department's transit allowance), the owner's choice for conflict C1 between ORD-5 and ORD-6,
and who may issue which command (conflict C9, `roles`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from jetstream_es.roles import CommandRoles
from orders.domain.roles import DEFAULT_ROLES


class CorrectionPolicy(StrEnum):
    """Conflict C1: may after-sales correct an order (ORD-6), or is every change refused (ORD-5)?"""

    AFTERSALES_BEFORE_CONFIRMATION = "aftersales_before_confirmation"
    FORBID = "forbid"


@dataclass(frozen=True)
class OrderPolicy:
    refresh_within: timedelta = timedelta(minutes=10)
    contact_within: timedelta = timedelta(minutes=10)
    handover_within: timedelta = timedelta(hours=24)
    return_window: timedelta = timedelta(days=7)
    transit_allowance: timedelta = timedelta(days=3)
    """AS-11, SM-ORD: stamp to receipt when the carrier never reports a delivery; the department's
    one SHOP_TRANSIT_DAYS, which after-sales reads for its quality window too."""
    company_accounts: frozenset[str] = frozenset()
    corrections: CorrectionPolicy = CorrectionPolicy.AFTERSALES_BEFORE_CONFIRMATION
    business_tz: str = "Asia/Shanghai"
    """The runtime's SHOP_BUSINESS_TZ (declared there): where a calendar week begins (ORD-4)."""
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (defaults in roles.py, overridden by ORDERS_COMMAND_ROLES)."""

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.business_tz)
