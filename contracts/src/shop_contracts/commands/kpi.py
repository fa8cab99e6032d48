"""Commands of the KPI service, on `kpi.commands.<CommandName>` (issue 19, KPI-1..KPI-13).

Field validation only; the deadlines (KPI-5's cut-off day), the formulas (KPI-2..KPI-5), the
bonus ranges, the cycles (KPI-1, C7), the verbal-task limit (KPI-9) and the training shape
(KPI-10) are the domain's, from the service's settings. Who may issue which command is
`KPI_COMMAND_ROLES`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.events.kpi import MONTH_PATTERN, Position, QuotaKind, ReportKind, Talk
from shop_contracts.messages import ID_PATTERN, Command


class SetMonthlyTarget(Command):
    """KPI-5: a customer-service or promotion employee's target (net sales, ORD-16) for the next
    month, before the cut-off day (the 30th by default) of the current month."""

    month: str = Field(pattern=MONTH_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    position: Position
    target: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class SetDepartmentQuota(Command):
    """KPI-3: the department's promotion, feedback or franchise quota for a month."""

    month: str = Field(pattern=MONTH_PATTERN)
    kind: QuotaKind
    quota: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class RecordDepartmentResult(Command):
    """KPI-3: the department's reached feedback or franchise figure for a month (promotion is the
    month's net sales, ORD-16, and is not typed)."""

    month: str = Field(pattern=MONTH_PATTERN)
    kind: QuotaKind
    actual: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class RecordOperatingCost(Command):
    """KPI-13: an operating cost of a month (the supervisor's), for the shop's ROI."""

    month: str = Field(pattern=MONTH_PATTERN)
    cost_id: str = Field(pattern=ID_PATTERN)
    category: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    note: str = Field(default="", max_length=1000)


class ChosenBonus(BaseModel):
    """KPI-2, KPI-3: the bonus the supervisor chose for one employee, within its range, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    employee_id: str = Field(pattern=ID_PATTERN)
    amount: Decimal = Field(ge=0, max_digits=8, decimal_places=2)
    reason: str = Field(min_length=1, max_length=500)


class CalculateMonthPay(Command):
    """KPI-2..KPI-5: performance pay and commission of every employee with a target in `month`
    (and of `supervisor_id`, KPI-3), after the month has ended. `bonuses` override the default
    bonus of the employees they name (each within its range, with a reason)."""

    month: str = Field(pattern=MONTH_PATTERN)
    supervisor_id: str | None = Field(default=None, pattern=ID_PATTERN)
    bonuses: tuple[ChosenBonus, ...] = Field(default=(), max_length=500)


class CompleteAppraisal(Command):
    """KPI-1, KPI-6, KPI-7: an employee's appraisal for an ended review cycle: a score 0-100 for
    each of the ten dimensions, and for a web artist the four parts of KPI-7."""

    employee_id: str = Field(pattern=ID_PATTERN)
    cycle: str = Field(min_length=4, max_length=16, description="2026-H1, 2026-Q2, 2026-03 or 2026")
    scores: dict[str, int] = Field(min_length=1, max_length=20)
    artist_parts: dict[str, int] | None = Field(default=None, max_length=10)


class AssignTask(Command):
    """KPI-9: a task for `assignee`; over the verbal limit (2 h) it must be `written`."""

    task_id: str = Field(pattern=ID_PATTERN)
    assignee: str = Field(pattern=ID_PATTERN)
    description: str = Field(min_length=1, max_length=2000)
    estimated_hours: Decimal = Field(gt=0, le=1000, max_digits=6, decimal_places=2)
    written: bool
    due_on: dt.date | None = None


class ScheduleTraining(Command):
    """KPI-10: a training session (Saturday afternoon, 20 min talk + 10 min questions per
    speaker); another shape only when the setting allows it, with `exception` saying why."""

    session_id: str = Field(pattern=ID_PATTERN)
    on: dt.date
    starts_at: dt.time
    talks: tuple[Talk, ...] = Field(min_length=1, max_length=20)
    exception: str | None = Field(default=None, min_length=1, max_length=500)


class SubmitReport(Command):
    """KPI-8, C12, KPI-12: a report of `kind` for `period` (a date YYYY-MM-DD, an ISO week YYYY-Www,
    a month YYYY-MM, or for the compliance inspection a quarter YYYY-Qn, by kind)."""

    kind: ReportKind
    period: str = Field(min_length=7, max_length=10)
    summary: str = Field(default="", max_length=5000)


class AcknowledgeDailyLogin(Command):
    """KPI-11: the employee (the actor) confirms having logged in to `accounts` today (business
    day, the service's clock): by default the sales Aliwangwang account and the work QQ."""

    accounts: tuple[str, ...] = Field(default=("aliwangwang", "qq"), min_length=1, max_length=10)
