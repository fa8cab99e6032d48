"""The people context's business numbers, each declared once with its default, bounds and rule in the
units operators set (env prefix `HR_`: the settings class inherits these models): base salaries
by grade (HR-39), resignation notice (DIS-7), the offence catalogue and its class → penalty table
(DIS-1..DIS-5, C16; an item's fine range, C10 and DIS-8), the appeal window (DIS-10, a gap), performance pay (HR-40, C6), the payday and
the holiday calendar (HR-33, HR-34), and the new-hire deferral day (HR-35)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hr.people.domain.roles import DEFAULT_ROLES
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.roles import CommandRoles
from shop_contracts.events.hr_people import Grade


@dataclass(frozen=True)
class ClassPenalty:
    """What one offence class brings (DIS-5: data, never inferred from the class number)."""

    warning: bool = True
    fine: Decimal = Decimal(0)
    serious_fine: Decimal | None = None
    """The fine when the offence is serious (DIS-2: 20 yuan); None = the same as `fine`."""
    propose_dismissal: bool = False


@dataclass(frozen=True)
class OffenceItem:
    offence_class: int
    title: str
    monthly_dismissal_threshold: int | None = None
    """DIS-3: this many offences of the item in a calendar month propose dismissal (falsification: 3)."""
    fine_range: tuple[Decimal, Decimal] | None = None
    """C10, DIS-8: the fine is chosen by whoever records the offence within this range (inclusive),
    instead of the class's fixed fine (002: private PC use 50-100); None = the class's fine (000)."""

    def __post_init__(self) -> None:
        if self.fine_range is not None and not 0 <= self.fine_range[0] <= self.fine_range[1]:
            raise ValueError(
                f"fine_range {self.fine_range} of {self.title!r}: give [low, high], 0 <= low <= high"
            )


SEED_PENALTIES: dict[int, ClassPenalty] = {
    1: ClassPenalty(warning=False, propose_dismissal=True),
    2: ClassPenalty(warning=True, fine=Decimal(0), serious_fine=Decimal(20)),
    3: ClassPenalty(warning=True, fine=Decimal(50)),
    4: ClassPenalty(warning=True, fine=Decimal(100)),
}

SEED_CATALOGUE: dict[str, OffenceItem] = {
    "1.1": OffenceItem(1, "breaking the law"),
    "1.2": OffenceItem(1, "leaking company secrets"),
    "1.3": OffenceItem(1, "hiding important personal information or false data in the employee file (DIS-6)"),
    "1.4": OffenceItem(1, "serious neglect causing a major loss"),
    "1.5": OffenceItem(1, "strike or go-slow"),
    "1.6": OffenceItem(1, "fraud in the company's name"),
    "1.7": OffenceItem(1, "bringing contraband or dangerous goods"),
    "1.8": OffenceItem(1, "malicious damage"),
    "1.9": OffenceItem(1, "misconduct with a bad internal effect"),
    "1.10": OffenceItem(1, "slander"),
    "1.11": OffenceItem(1, "related-party dealing or bribes"),
    "1.12": OffenceItem(1, "diverting receivables (ORD-14)"),
    "1.13": OffenceItem(1, "hidden second job (DIS-15)"),
    "1.14": OffenceItem(1, "non-company payee account (ORD-12)"),
    "1.15": OffenceItem(1, "order diversion or leaking (ORD-13)"),
    "1.16": OffenceItem(1, "running down colleagues' products in internal order clashes"),
    "1.17": OffenceItem(1, "running a shop or part-time job on Alibaba, Taobao or similar (DIS-15)"),
    "2.1": OffenceItem(2, "refusing a superior's direction (first offence)"),
    "2.2": OffenceItem(2, "pornographic or reactionary material or sites"),
    "3.1": OffenceItem(3, "private entertainment on company computers (C10: 000 sets 50)"),
    "3.2": OffenceItem(3, "smoking in a no-smoking area"),
    "3.3": OffenceItem(3, "unauthorised visitors"),
    "3.4": OffenceItem(3, "private use of company property"),
    "3.5": OffenceItem(3, "minor personal error causing a loss"),
    "3.6": OffenceItem(3, "lying about the leave reason (HR-29)"),
    "3.7": OffenceItem(3, "skipping training, meetings or events without reason"),
    "3.8": OffenceItem(3, "falsifying work records", monthly_dismissal_threshold=3),
    "4.1": OffenceItem(4, "late for, leaving early from or skipping training"),
    "4.2": OffenceItem(4, "absent without approved leave"),
    "4.3": OffenceItem(4, "non-work activity in work time"),
    "4.4": OffenceItem(4, "negative attitude causing a loss"),
    "4.5": OffenceItem(4, "premium-rate calls or Q-coins on the company phone"),
    "4.6": OffenceItem(4, "taking unregistered company property off the premises"),
}


class PeoplePolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    base_salary_supervisor: Decimal = Field(Decimal(3500), ge=0, description="HR-39: supervisor base salary")
    base_salary_team_member: Decimal = Field(
        Decimal(2000), ge=0, description="HR-39: team member base salary"
    )
    resignation_notice_months: int = Field(1, ge=0, description="DIS-7: written notice before leaving")

    @property
    def base_salaries(self) -> dict[Grade, Decimal]:
        return {
            Grade.SUPERVISOR: self.base_salary_supervisor,
            Grade.TEAM_MEMBER: self.base_salary_team_member,
        }

    @property
    def notice_months(self) -> int:
        return self.resignation_notice_months


class DisciplinePolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    offence_penalties: dict[int, ClassPenalty] = Field(
        default_factory=lambda: dict(SEED_PENALTIES),
        description="DIS-1..DIS-5, C16: offence class -> warning, fine, serious_fine, propose_dismissal",
    )
    offence_catalogue: dict[str, OffenceItem] = Field(
        default_factory=lambda: dict(SEED_CATALOGUE),
        description="DIS-1..DIS-4: item code -> class, title, monthly_dismissal_threshold (3.8: 3, DIS-3)",
    )
    appeal_window_days: int = Field(
        7, ge=0, description="DIS-10: days to appeal a penalty (a gap: designer default)"
    )

    @model_validator(mode="after")
    def _every_class_has_a_penalty(self) -> DisciplinePolicy:
        missing = sorted(
            {i.offence_class for i in self.offence_catalogue.values()} - set(self.offence_penalties)
        )
        if missing:
            raise ValueError(
                f"offence_catalogue: offence classes {missing} have no penalty in offence_penalties (DIS-5)"
            )
        return self

    @property
    def penalties(self) -> dict[int, ClassPenalty]:
        return self.offence_penalties

    @property
    def catalogue(self) -> dict[str, OffenceItem]:
        return self.offence_catalogue


class PerformanceScheme(StrEnum):
    """C6: 001 pays a flat 500 scaled by plan completion, 002 pays 30 % of base."""

    FLAT = "flat"
    PERCENT_OF_BASE = "percent_of_base"


class PayrollPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    FROM_ELSEWHERE: ClassVar[frozenset[str]] = frozenset({"calendar", "roles"})
    """Fields that are no `HR_` setting: the department calendar (SHOP_CALENDAR_*) and the roles."""

    performance_scheme: PerformanceScheme = Field(
        PerformanceScheme.FLAT,
        description="HR-40, C6: flat (001, 500 x completion) or percent_of_base (002, 30 %)",
    )
    performance_flat: Decimal = Field(Decimal(500), ge=0, description="HR-40 (001): flat performance pay")
    performance_percent: Decimal = Field(Decimal(30), ge=0, description="HR-40 (002): percent of base salary")
    performance_floor: Decimal = Field(
        Decimal("0.30"), ge=0, le=1, description="KPI-2, KPI-3: completion below this pays no performance pay"
    )
    payday: int = Field(20, ge=1, le=28, description="HR-33: day of the next month salaries are paid")
    first_salary_deferral_day: int = Field(
        25, ge=1, le=31, description="HR-35: joined after this day → first pay with the next month's"
    )
    defer_joins_on_deferral_day: bool = Field(
        True, description="HR-35 (ambiguous): whether joining on the deferral day itself counts as after"
    )
    calendar: DepartmentCalendar = Field(
        default_factory=DepartmentCalendar,
        description="HR-34: the one department calendar (SHOP_CALENDAR_*): its holidays and banking weekdays",
    )
    roles: CommandRoles = Field(
        DEFAULT_ROLES, description="C9: who may issue which command (the one HR table, HR_COMMAND_ROLES)"
    )

    @property
    def deferral_day(self) -> int:
        return self.first_salary_deferral_day

    @property
    def defer_on_deferral_day(self) -> bool:
        """HR-35 is ambiguous on the 25th itself; the designer note reads it as "after" (deferred)."""
        return self.defer_joins_on_deferral_day

    def pay_date(self, period: str) -> dt.date:
        """The payday of the month after the period (HR-33); when it is no banking day (a holiday or a
        weekend) the previous banking day (HR-34 「如遇節假日酌情提前發放」, SM-PAY designer default)."""
        year, month = (int(p) for p in period.split("-"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return self.calendar.banking_day_on_or_before(dt.date(year, month, self.payday))

    def deferred(self, join_date: dt.date) -> bool:
        """HR-35: joined after the deferral day (on it, per `defer_on_deferral_day`)."""
        if join_date.day == self.deferral_day:
            return self.defer_on_deferral_day
        return join_date.day > self.deferral_day


@dataclass(frozen=True)
class PeoplePolicies:
    """The people context's policies together, with who may issue which command (C9)."""

    people: PeoplePolicy = field(default_factory=PeoplePolicy)
    discipline: DisciplinePolicy = field(default_factory=DisciplinePolicy)
    payroll: PayrollPolicy = field(default_factory=PayrollPolicy)
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (the one HR table, HR_COMMAND_ROLES)."""
