"""Who may do what in HR (rules.md §0 roles; HR-7 attendance owner, HR-16 dismissal decision,
HR-18/HR-22/HR-26 leave approvers, HR-18 and C18 filing with the office and HR; HR-10 clock records
by the terminal (system), the office or HR, or the employee, corrected by HR only; HR-11 errands signed by the direct
supervisor; HR-13 outings announced to the office; conflict C9: the table is a setting, see
bootstrap.COMMAND_TABLE)."""

from __future__ import annotations

from typing import Final

from hr.shared.roles import (
    CS_SUPERVISOR,
    DEPT_MANAGER,
    DIRECT_SUPERVISOR,
    ECOM_SUPERVISOR,
    HR_DEPT,
    OFFICE,
    SETTING,
    SYSTEM,
)
from jetstream_es.roles import CommandRoles

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "RecordAbsence": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-7"),
    "DismissEmployee": ((DEPT_MANAGER, ECOM_SUPERVISOR), "HR-16"),
    "DeclineDismissal": ((DEPT_MANAGER, ECOM_SUPERVISOR), "HR-16"),
    "FileLeave": ((OFFICE, HR_DEPT), "HR-18"),
    "AttachMedicalCertificate": ((OFFICE, HR_DEPT), "HR-21"),
    "AssignShift": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-7"),
    "RecordClockIn": ((SYSTEM, OFFICE, HR_DEPT), "HR-10"),
    "RecordClockOut": ((SYSTEM, OFFICE, HR_DEPT), "HR-10"),
    "CorrectClockPunch": ((HR_DEPT,), "HR-10"),
    "ApproveBusinessErrand": ((DIRECT_SUPERVISOR,), "HR-11"),
    "RecordAnnouncedOuting": ((OFFICE,), "HR-13"),
    "RecordOuting": ((OFFICE, ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-13"),
    "RecordMakeUpLeave": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-14"),
    "RecordReassignmentRefusal": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-12"),
    "EvaluateAttendanceDay": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR, SYSTEM), "HR-7"),
    "PublishRota": ((ECOM_SUPERVISOR,), "HR-7"),
    "AssignOvertime": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR, DEPT_MANAGER), "HR-30"),
    "RecordOvertimeRefusal": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR, DEPT_MANAGER), "HR-30"),
    "RecordOvertimeWorked": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR, DEPT_MANAGER, OFFICE), "HR-30"),
    "FileCompTime": ((OFFICE,), "HR-31"),
    "PublishWeekendCsRota": ((CS_SUPERVISOR, ECOM_SUPERVISOR), "DUTY-2"),
    "DesignateDutyManager": ((CS_SUPERVISOR, ECOM_SUPERVISOR), "DUTY-3"),
}
"""The time context's commands: name → (roles allowed, rule cited when refused), the documented
default; with the people context's table it is the one table of `HR_COMMAND_ROLES` (C9). Leave approval is routed per request
(see leave.py); submitting and extending leave is the employee's own act.
`AttachMedicalCertificate` lists who may attach a hospital certificate to someone else's sick
leave (HR-21, C18: the office keeps the form, HR the record); the employee may always attach
their own."""

DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=SETTING)
"""The time context's default roles; the service passes every HR command's roles with
HR_COMMAND_ROLES applied (bootstrap.COMMAND_TABLE)."""
