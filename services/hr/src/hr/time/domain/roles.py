"""Who may do what in HR (rules.md §0 roles; HR-7 attendance owner, HR-16 dismissal decision,
HR-18/HR-22/HR-26 leave approvers, HR-18 and C18 filing with the office and HR; HR-10 clock records
by the terminal (system), the office or HR, or the employee; HR-11 errands signed by the direct
supervisor; HR-13 outings announced to the office; conflict C9: the table is a setting, see
people_roles.COMMAND_TABLE)."""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

SYSTEM: Final = "system"
ECOM_SUPERVISOR: Final = "ecom_supervisor"
DEPT_MANAGER: Final = "dept_manager"
DIRECT_SUPERVISOR: Final = "direct_supervisor"
SENIOR_LEADER: Final = "senior_leader"
OFFICE: Final = "office"
HR_DEPT: Final = "hr_dept"

SETTING: Final = "HR_COMMAND_ROLES"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "RecordAbsence": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-7"),
    "DismissEmployee": ((DEPT_MANAGER, ECOM_SUPERVISOR), "HR-16"),
    "DeclineDismissal": ((DEPT_MANAGER, ECOM_SUPERVISOR), "HR-16"),
    "FileLeave": ((OFFICE, HR_DEPT), "HR-18"),
    "AttachMedicalCertificate": ((OFFICE, HR_DEPT), "HR-21"),
    "AssignShift": ((ECOM_SUPERVISOR, DIRECT_SUPERVISOR), "HR-7"),
    "RecordClockIn": ((SYSTEM, OFFICE, HR_DEPT), "HR-10"),
    "RecordClockOut": ((SYSTEM, OFFICE, HR_DEPT), "HR-10"),
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
}
"""Command name → (roles allowed, rule cited when refused): the documented default, with
people_roles.py one table for `HR_COMMAND_ROLES` (C9). Leave approval is routed per request
(see leave.py); submitting and extending leave is the employee's own act.
`AttachMedicalCertificate` lists who may attach a hospital certificate to someone else's sick
leave (HR-21, C18: the office keeps the form, HR the record); the employee may always attach
their own."""


def require_self(actor: Actor, employee_id: str, command: str, rule: str) -> None:
    if actor.id != employee_id:
        raise Forbidden(f"{command} is the employee's own application; {actor.id} is not {employee_id}", rule)
