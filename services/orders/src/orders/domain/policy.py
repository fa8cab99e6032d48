"""The business numbers the order rules use, each declared once with its default, bounds and rule
(ORD-1, ORD-2, ORD-3, ORD-12, CAT-7's price mismatch, the owner's choice for conflict C1 between ORD-5 and ORD-6), in the
units operators set; derived values (`refresh_within`, ...) are properties. `OrderNumbers` are the
service's own settings (`ORDERS_*`, `OrdersSettings` inherits them); `OrderPolicy` adds what comes
from elsewhere: the business time zone (ORD-4 weeks), the department's transit allowance and
return window (AS-11, `SHOP_TRANSIT_DAYS`, `SHOP_RETURN_WINDOW_DAYS`) and who may issue which
command (conflict C9, `roles`)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field

from jetstream_es.roles import CommandRoles
from orders.domain.catalogue import PriceMismatch
from orders.domain.roles import DEFAULT_ROLES
from shop_contracts.duty import OnlineHours


class CorrectionPolicy(StrEnum):
    """Conflict C1: may after-sales correct an order (ORD-6), or is every change refused (ORD-5)?"""

    AFTERSALES_BEFORE_CONFIRMATION = "aftersales_before_confirmation"
    FORBID = "forbid"


class OrderNumbers(OnlineHours):
    """The numbers operators set for orders (`ORDERS_<FIELD>`); with the online hours (AS-22), the
    weekend cover (C4) and the escalation role (DUTY-1) that route an out-of-hours contact deadline
    to whoever is on duty (`ORDERS_ONLINE_HOURS_START`, ..., `ORDERS_DUTY_ESCALATION_ROLE`)."""

    model_config = ConfigDict(frozen=True)

    refresh_minutes: int = Field(10, ge=1, description="ORD-1: a new order must be seen within this")
    contact_minutes: int = Field(
        10, ge=1, description="ORD-2: contact the customer within this of acceptance"
    )
    handover_hours: int = Field(24, ge=1, description="ORD-3: hand a confirmed order over within this")
    company_accounts: frozenset[str] = Field(
        frozenset(),
        description="ORD-12: the company's own payee accounts (JSON list); payments elsewhere are refused",
    )
    correction_policy: CorrectionPolicy = Field(
        CorrectionPolicy.AFTERSALES_BEFORE_CONFIRMATION,
        description="C1 (ORD-5 vs ORD-6): after-sales corrections before confirmation, or `forbid` all",
    )
    price_mismatch: PriceMismatch = Field(
        PriceMismatch.RECORD,
        description="CAT-7: a line whose platform unit price differs from the catalogue's listed price "
        "is placed with both recorded (`record`, the default: the platform price is what the customer "
        "paid), or refused (`refuse`)",
    )

    @property
    def refresh_within(self) -> timedelta:
        return timedelta(minutes=self.refresh_minutes)

    @property
    def contact_within(self) -> timedelta:
        return timedelta(minutes=self.contact_minutes)

    @property
    def handover_within(self) -> timedelta:
        return timedelta(hours=self.handover_hours)

    @property
    def corrections(self) -> CorrectionPolicy:
        return self.correction_policy


class OrderPolicy(OrderNumbers):
    """The order rules' numbers and what comes from outside the service's own settings."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    business_tz: str = Field(
        "Asia/Shanghai", description="ORD-4: where a calendar week begins (the runtime's SHOP_BUSINESS_TZ)"
    )
    transit_days: int = Field(
        3,
        ge=0,
        description="AS-11, SM-ORD: stamp to receipt when the carrier never reports a delivery (the "
        "department's SHOP_TRANSIT_DAYS, which after-sales reads for its quality window too)",
    )
    return_window_days: int = Field(
        7,
        ge=0,
        description="AS-11, SM-ORD: orders complete this long after receipt (the department's "
        "SHOP_RETURN_WINDOW_DAYS, after-sales' quality window)",
    )
    roles: CommandRoles = Field(
        DEFAULT_ROLES,
        description="C9: who may issue which command (defaults in roles.py, overridden by ORDERS_COMMAND_ROLES)",
    )

    @property
    def transit_allowance(self) -> timedelta:
        return timedelta(days=self.transit_days)

    @property
    def return_window(self) -> timedelta:
        return timedelta(days=self.return_window_days)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.business_tz)  # zoneinfo caches its instances
