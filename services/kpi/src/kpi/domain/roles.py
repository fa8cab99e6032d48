"""Who may issue which KPI command (C9 style; `KPI_COMMAND_ROLES` overrides the commands it names).

The department supervisor sets targets, quotas, costs, tasks and training and chooses bonuses
(KPI-2..KPI-5, KPI-9, KPI-10, KPI-13); HR may also run the month's pay (KPI-5 feeds payroll);
`system` runs it on the 1st; reports are submitted by the department's staff (KPI-8).
"""

from __future__ import annotations

from typing import Final

from jetstream_es.roles import CommandRoles

SETTING: Final = "KPI_COMMAND_ROLES"
SUPERVISORS: Final = ("dept_supervisor", "ecom_supervisor")
STAFF: Final = (
    *SUPERVISORS,
    "dept_manager",
    "ops_specialist",
    "promotion_specialist",
    "presales_cs",
    "aftersales_cs",
    "cs_supervisor",
    "sales_staff",
    "web_artist",
    "website_editor",
)

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "SetMonthlyTarget": (SUPERVISORS, "KPI-5"),
    "SetDepartmentQuota": ((*SUPERVISORS, "dept_manager"), "KPI-3"),
    "RecordDepartmentResult": (SUPERVISORS, "KPI-3"),
    "RecordOperatingCost": (SUPERVISORS, "KPI-13"),
    "CalculateMonthPay": ((*SUPERVISORS, "hr_dept", "system"), "KPI-5"),
    "CompleteAppraisal": ((*SUPERVISORS, "dept_manager", "hr_dept"), "KPI-1"),
    "AssignTask": ((*SUPERVISORS, "dept_manager", "ops_specialist"), "KPI-9"),
    "ScheduleTraining": ((*SUPERVISORS, "dept_manager"), "KPI-10"),
    "SubmitReport": (STAFF, "KPI-8"),
    "AcknowledgeDailyLogin": (STAFF, "KPI-11"),
}
DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=SETTING)
