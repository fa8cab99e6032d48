"""The KPI service's business numbers, each declared once with its rule id and default (read by
bootstrap.py from `KPI_POLICY__...`; docs/services/kpi.md lists them).

- KPI-5: targets for the next month are set before `target_cutoff_day` (the 30th) of the current
  month. A month without that day (February, and the 30th of 31-day months is there) uses its
  last day as the cut-off: in February targets are refused on the 28th (29th in a leap year).
- KPI-2..KPI-4, C6 (`performance`): the flat 500 scheme of 001 with its 30 % floor, bonus ranges,
  the supervisor's 50 deduction and the customer-service full-pay switch.
- KPI-5 (`commission`): the share of the month's net sales (ORD-16) paid as commission and the
  split by position. The seeds name no rate: 1 % is the designer's default (rules.md §9 gap).
- KPI-1, C7: the review cycle (half_year by default; monthly, quarterly, annual supported).
- KPI-6, KPI-7: the ten appraisal dimensions and the artist's weights 20/30/20/30.
- KPI-11: the daily log-in (by 09:00, a designer default) to the sales Aliwangwang and the work QQ.
- KPI-9: the verbal-task limit (2 h). KPI-10: the training shape. KPI-8: report due times.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jetstream_es.roles import CommandRoles
from shop_contracts.events.kpi import Position

DIMENSIONS: Final = (
    "performance",
    "attitude",
    "ability",
    "knowledge",
    "responsibility",
    "potential",
    "culture",
    "cooperation",
    "conduct",
    "cost_awareness",
)
"""KPI-6: the ten appraisal dimensions of 002 (工作业绩, 工作态度, 工作能力, 业务知识, 责任心, 发展潜力,
企业文化, 团队合作, 品行, 成本意识)."""


class ReviewCycle(StrEnum):
    """KPI-1, C7: how often employees are appraised (cycle ids 2026-H1, 2026-Q2, 2026-03, 2026)."""

    HALF_YEAR = "half_year"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    ANNUAL = "annual"


class PerformancePolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(
        default="flat_500", description="C6: the scheme's name on every figure (001's flat amount)"
    )
    full_amount: Decimal = Field(
        default=Decimal(500), gt=0, description="KPI-2, HR-40: the full performance pay (500)"
    )
    floor: Decimal = Field(
        default=Decimal("0.30"), ge=0, le=1, description="KPI-2, KPI-3: below 30 % nothing"
    )
    promoter_bonus_min: Decimal = Field(
        default=Decimal(50), ge=0, description="KPI-2: exceeding the plan, from 50"
    )
    promoter_bonus_max: Decimal = Field(default=Decimal(100), ge=0, description="KPI-2: up to 100")
    promoter_bonus_default: Decimal = Field(
        default=Decimal(50), ge=0, description="KPI-2: the bonus paid when the supervisor chooses none"
    )
    supervisor_bonus_min: Decimal = Field(
        default=Decimal(100), ge=0, description="KPI-3: beating the plan, from 100"
    )
    supervisor_bonus_max: Decimal = Field(default=Decimal(150), ge=0, description="KPI-3: up to 150")
    supervisor_bonus_default: Decimal = Field(
        default=Decimal(100), ge=0, description="KPI-3: paid when none is chosen"
    )
    supervisor_deduction: Decimal = Field(
        default=Decimal(50),
        ge=0,
        description="KPI-3: deducted from the supervisor per promoter under the floor",
    )
    customer_service_full_pay: bool = Field(
        default=True,
        description="KPI-4: until the website is fully running customer service gets the full performance pay "
        "(set false once it runs: then they are paid like promoters)",
    )

    @model_validator(mode="after")
    def _ranges(self) -> PerformancePolicy:
        for name in ("promoter", "supervisor"):
            lo, hi, default = (getattr(self, f"{name}_bonus_{x}") for x in ("min", "max", "default"))
            if not lo <= default <= hi:
                raise ValueError(
                    f"KPI_POLICY__PERFORMANCE__{name.upper()}_BONUS_*: need min <= default <= max"
                )
        return self


class CommissionPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rate: Decimal = Field(
        default=Decimal("0.01"),
        ge=0,
        le=1,
        description="KPI-5: share of the month's net sales (ORD-16) paid out",
    )
    shares: dict[Position, Decimal] = Field(
        default_factory=lambda: {
            Position.PROMOTER: Decimal("0.5"),
            Position.CUSTOMER_SERVICE: Decimal("0.3"),
            Position.SUPERVISOR: Decimal("0.2"),
        },
        description="KPI-5: the pool's split by position (sums to 1)",
    )

    @model_validator(mode="after")
    def _sum(self) -> CommissionPolicy:
        if sum(self.shares.values(), Decimal(0)) != 1:
            raise ValueError("KPI_POLICY__COMMISSION__SHARES: the positions' shares must sum to 1 (KPI-5)")
        return self


class TrainingPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    weekday: int = Field(default=6, ge=1, le=7, description="KPI-10: ISO weekday of training (6 = Saturday)")
    afternoon_from: dt.time = Field(default=dt.time(12, 0), description="KPI-10: the afternoon begins")
    afternoon_until: dt.time = Field(default=dt.time(18, 0), description="KPI-10: and ends")
    talk_min: int = Field(default=20, ge=1, description="KPI-10: each speaker talks 20 minutes")
    qa_min: int = Field(default=10, ge=0, description="KPI-10: then 10 minutes of questions")
    allow_other_shapes: bool = Field(
        default=False, description="KPI-10: accept another day or shape when the command says why (exception)"
    )


class ReportPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    daily_until: dt.time = Field(default=dt.time(17, 30), description="KPI-8: the daily report, 17:00-17:30")
    statistics_until: dt.time = Field(
        default=dt.time(18, 0), description="KPI-8: Friday and 1st statistics by"
    )
    meeting_minutes_until: dt.time = Field(
        default=dt.time(12, 0), description="KPI-8: minutes of the Monday 10:00 meeting (<= 40 min) by"
    )
    month_end_until: dt.time = Field(
        default=dt.time(18, 0), description="KPI-8: the last day's monthly report by"
    )
    reminder_lead_min: int = Field(
        default=30,
        ge=0,
        le=24 * 60,
        description="KPI-8: a report not yet submitted is reminded this long before",
    )


class KpiPolicy(BaseModel):
    """Every business number of the KPI service (nested: `KPI_POLICY__PERFORMANCE__FULL_AMOUNT`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    target_cutoff_day: int = Field(
        default=30, ge=1, le=31, description="KPI-5: next month's targets are set before this day"
    )
    performance: PerformancePolicy = PerformancePolicy()
    commission: CommissionPolicy = CommissionPolicy()
    review_cycle: ReviewCycle = Field(default=ReviewCycle.HALF_YEAR, description="KPI-1, C7")
    artist_weights: dict[str, int] = Field(
        default_factory=lambda: {
            "marketing_design": 20,
            "decoration": 30,
            "collateral": 20,
            "adhoc_support": 30,
        },
        description="KPI-7: the web artist's parts and weights in percent (ad-hoc support by customer satisfaction)",
    )
    verbal_task_max_hours: Decimal = Field(
        default=Decimal(2), gt=0, description="KPI-9: longer tasks are written"
    )
    training: TrainingPolicy = TrainingPolicy()
    reports: ReportPolicy = ReportPolicy()
    login_by: dt.time = Field(
        default=dt.time(9, 0),
        description="KPI-11: staff log in to the sales accounts by this time of each working day "
        "(designer default: the seeds give no time)",
    )
    login_accounts: tuple[str, ...] = Field(
        default=("aliwangwang", "qq"), min_length=1, description="KPI-11: the accounts logged in to every day"
    )
    month_pay_at: dt.time = Field(
        default=dt.time(1, 0),
        description="KPI-5: the previous month's pay is calculated on the 1st at this time",
    )
    department_supervisor: str | None = Field(
        default=None,
        description="KPI-3: whose performance pay the automatic run of the 1st computes from the quotas",
    )
    roles: CommandRoles | None = Field(default=None, exclude=True, description="KPI_COMMAND_ROLES")

    @model_validator(mode="after")
    def _weights(self) -> KpiPolicy:
        if sum(self.artist_weights.values()) != 100:
            raise ValueError("KPI_POLICY__ARTIST_WEIGHTS: the weights must sum to 100 (KPI-7)")
        return self

    def command_roles(self) -> CommandRoles:
        from kpi.domain.roles import DEFAULT_ROLES

        return self.roles or DEFAULT_ROLES
