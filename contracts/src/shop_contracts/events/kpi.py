"""The KPI service's events (issue 19, KPI-1..KPI-13, ORD-16; docs/services/kpi.md).

- `MonthPlan.<YYYY-MM>`: the month's targets per person (KPI-5), the department's quotas and
  results (KPI-3) and the operating costs the ROI reads (KPI-13).
- `MonthPay.<YYYY-MM>`: performance pay (KPI-2..KPI-4) and commission (KPI-5) per employee, each
  carrying its inputs and the formula's steps with their rule ids, so HR's payslip line can say
  where the figure came from. A recalculation with the same inputs appends nothing; changed inputs
  append a new `revision` that supersedes the earlier one.
- `Appraisal.<employee>-<cycle>`: the review (KPI-1, KPI-6, KPI-7).
- `Task.<id>` (KPI-9), `Training.<id>` (KPI-10), `Report.<kind>-<period>` (KPI-8, C12).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
"""A calendar month YYYY-MM (the pay period of HR-33)."""


class Position(StrEnum):
    """Whose pay formula applies (KPI-2 promoter, KPI-3 supervisor, KPI-4 customer service)."""

    PROMOTER = "promoter"
    CUSTOMER_SERVICE = "customer_service"
    SUPERVISOR = "supervisor"


class QuotaKind(StrEnum):
    """KPI-3: the department's monthly quotas."""

    PROMOTION = "promotion"
    FEEDBACK = "feedback"
    FRANCHISE = "franchise"


class MonthlyTargetSet(EventData):
    """KPI-5: `employee_id`'s target for `month` (net sales, ORD-16), set before the cut-off day."""

    month: str = Field(pattern=MONTH_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    position: Position
    target: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    set_by: str = Field(min_length=1, max_length=128)
    set_at: AwareDatetime


class DepartmentQuotaSet(EventData):
    """KPI-3: the department's quota of one kind for `month`."""

    month: str = Field(pattern=MONTH_PATTERN)
    kind: QuotaKind
    quota: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    set_by: str = Field(min_length=1, max_length=128)
    set_at: AwareDatetime


class DepartmentResultRecorded(EventData):
    """KPI-3: what the department reached on a feedback or franchise quota (promotion is net sales)."""

    month: str = Field(pattern=MONTH_PATTERN)
    kind: QuotaKind
    actual: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    recorded_by: str = Field(min_length=1, max_length=128)
    recorded_at: AwareDatetime


class OperatingCostRecorded(EventData):
    """KPI-13: an operating cost of `month` (pay-per-click, platform fees, ...) for the shop's ROI."""

    month: str = Field(pattern=MONTH_PATTERN)
    cost_id: str = Field(pattern=ID_PATTERN)
    category: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    note: str = Field(default="", max_length=1000)
    recorded_by: str = Field(min_length=1, max_length=128)
    recorded_at: AwareDatetime


class FormulaStep(BaseModel):
    """One step of a pay formula: what was computed, under which rule, with what result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str = Field(min_length=1, max_length=16)
    description: str = Field(min_length=1, max_length=500)
    value: Decimal


class PerformancePayCalculated(EventData):
    """KPI-2..KPI-4, C6: one employee's performance pay for `month`.

    `completion` = `actual` / `target` (ORD-16 net sales unless the person's target says otherwise);
    `amount` = performance pay + `bonus` − `deduction`, never below 0. `revision` counts the
    figures of this employee and month; a revision above 1 supersedes the earlier one."""

    month: str = Field(pattern=MONTH_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    position: Position
    revision: int = Field(ge=1)
    scheme: str = Field(min_length=1, max_length=32)
    target: Decimal = Field(ge=0)
    actual: Decimal
    completion: Decimal = Field(ge=0)
    performance_pay: Decimal = Field(ge=0)
    bonus: Decimal = Field(ge=0)
    deduction: Decimal = Field(ge=0)
    amount: Decimal = Field(ge=0)
    steps: tuple[FormulaStep, ...] = Field(min_length=1)
    calculated_by: str = Field(min_length=1, max_length=128)
    calculated_at: AwareDatetime


class CommissionCalculated(EventData):
    """KPI-5, ORD-16: one employee's commission for `month`: a share of the month's net sales,
    split by position and by completion."""

    month: str = Field(pattern=MONTH_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    position: Position
    revision: int = Field(ge=1)
    net_sales: Decimal
    pool: Decimal = Field(ge=0)
    share: Decimal = Field(ge=0, le=1)
    amount: Decimal = Field(ge=0)
    steps: tuple[FormulaStep, ...] = Field(min_length=1)
    calculated_by: str = Field(min_length=1, max_length=128)
    calculated_at: AwareDatetime


class AppraisalCompleted(EventData):
    """KPI-1, KPI-6, KPI-7: an employee's appraisal for a review cycle (`2026-H1`, `2026-Q2`,
    `2026-03` or `2026` by the cycle setting): the ten dimensions' scores (0-100), their mean,
    and for a web artist the weighted score of the four parts of KPI-7."""

    employee_id: str = Field(pattern=ID_PATTERN)
    cycle: str = Field(min_length=4, max_length=16)
    scores: dict[str, int]
    overall: Decimal
    artist_parts: dict[str, int] | None = None
    weighted: Decimal | None = None
    steps: tuple[FormulaStep, ...] = ()
    appraised_by: str = Field(min_length=1, max_length=128)
    appraised_at: AwareDatetime


class TaskAssigned(EventData):
    """KPI-9: a task assigned; anything over the verbal limit (2 h) is a written task."""

    task_id: str = Field(pattern=ID_PATTERN)
    assignee: str = Field(pattern=ID_PATTERN)
    description: str = Field(min_length=1, max_length=2000)
    estimated_hours: Decimal = Field(gt=0)
    written: bool
    due_on: dt.date | None = None
    assigned_by: str = Field(min_length=1, max_length=128)
    assigned_at: AwareDatetime


class Talk(BaseModel):
    """KPI-10: one speaker's turn: talk and questions, in minutes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speaker: str = Field(pattern=ID_PATTERN)
    topic: str = Field(min_length=1, max_length=500)
    talk_min: int = Field(ge=1, le=240)
    qa_min: int = Field(ge=0, le=240)


class TrainingScheduled(EventData):
    """KPI-10: a training session on `on` from `starts_at` (business time), speakers in turn."""

    session_id: str = Field(pattern=ID_PATTERN)
    on: dt.date
    starts_at: dt.time
    talks: tuple[Talk, ...] = Field(min_length=1)
    exception: str | None = Field(default=None, max_length=500)
    scheduled_by: str = Field(min_length=1, max_length=128)
    scheduled_at: AwareDatetime


class ReportKind(StrEnum):
    """KPI-8, C12: the report types of the seeds."""

    WEEKLY_STATISTICS = "weekly_statistics"
    MONTHLY_STATISTICS = "monthly_statistics"
    DAILY_REPORT = "daily_report"
    WEEKLY_MEETING_MINUTES = "weekly_meeting_minutes"
    MONTH_END_REPORT = "month_end_report"
    COMPLIANCE_INSPECTION = "compliance_inspection"
    """KPI-12: the quarterly inspection of how staff carry out the rules (period YYYY-Qn)."""


class ReportSubmitted(EventData):
    """KPI-8, KPI-12: a report of `kind` for `period` (a date, ISO week, month or quarter), by whom
    and when."""

    kind: ReportKind
    period: str = Field(min_length=4, max_length=16)
    submitted_by: str = Field(min_length=1, max_length=128)
    submitted_at: AwareDatetime
    due_at: AwareDatetime
    late: bool
    summary: str = Field(default="", max_length=5000)


class ReportDue(EventData):
    """KPI-8: the reminder: a report of `kind` for `period` is due at `due_at` and not submitted."""

    kind: ReportKind
    period: str = Field(min_length=4, max_length=16)
    due_at: AwareDatetime
    reminded_at: AwareDatetime


class ReportOverdue(EventData):
    """KPI-8: the report of `kind` for `period` was not submitted by `due_at` (emitted once)."""

    kind: ReportKind
    period: str = Field(min_length=4, max_length=16)
    due_at: AwareDatetime
    detected_at: AwareDatetime


class DailyLoginAcknowledged(EventData):
    """KPI-11: the employee logged in to the sales accounts (Aliwangwang, the work QQ) on `day`."""

    employee_id: str = Field(pattern=ID_PATTERN)
    day: dt.date
    accounts: tuple[str, ...] = Field(min_length=1, max_length=10)
    acknowledged_at: AwareDatetime
    late: bool


class DailyLoginMissed(EventData):
    """KPI-11: no log-in acknowledged by `due_at` on a working day (emitted once)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    day: dt.date
    due_at: AwareDatetime
    detected_at: AwareDatetime
