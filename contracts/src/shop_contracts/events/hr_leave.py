"""HR's leave events (SM-LEAVE; HR-18..HR-26): requested, certified, approved or rejected, filed,
extended, withdrawn. Personal and sick leave are unpaid (HR-19): the events carry the flag for payroll."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData


class LeaveType(StrEnum):
    """The leave types HR-7 tracks; only personal and sick leave have rules (HR-28)."""

    PERSONAL = "personal"
    SICK = "sick"
    MARRIAGE = "marriage"
    BEREAVEMENT = "bereavement"
    STATUTORY = "statutory"
    COMP = "comp"
    """Comp time taken as leave: draws the comp-time balance (HR-31)."""


class LeaveRequested(EventData):
    """A leave application, routed to its approver role by type and length (HR-22, HR-26)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    leave_type: LeaveType
    start_date: dt.date
    end_date: dt.date
    days: int = Field(ge=1, description="consecutive calendar days, both ends included")
    reason: str = Field(max_length=1000)
    emergency: bool = False
    retroactive: bool = Field(default=False, description="filed afterwards (HR-20, HR-25)")
    emergency_acceptance_required: bool = Field(
        default=False,
        description="HR-25: without the notice only as an emergency, which the approver must accept",
    )
    approver_role: str = Field(min_length=1, max_length=64)
    needs_certificate: bool = Field(default=False, description="sick leave over one day (HR-21)")
    certificate_ref: str | None = None
    unpaid: bool = Field(default=False, description="personal and sick leave (HR-19)")
    submitted_at: AwareDatetime


class MedicalCertificateAttached(EventData):
    leave_id: str = Field(pattern=ID_PATTERN)
    certificate_ref: str = Field(min_length=1, max_length=200)


class LeaveApproved(EventData):
    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    approved_by: str = Field(min_length=1, max_length=128)
    approver_role: str = Field(min_length=1, max_length=64)
    days: int = Field(ge=1)
    unpaid: bool = False
    emergency_accepted: bool = Field(default=False, description="HR-25: the approver accepted the emergency")


class LeaveRejected(EventData):
    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    rejected_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)


class LeaveFiled(EventData):
    """Filed with the office (it keeps the form) or HR (the record); conflict C18 files with both."""

    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    filed_with: str = Field(min_length=1, max_length=64, description="office or hr_dept")
    filed_by: str = Field(min_length=1, max_length=128)
    unpaid_days: int = Field(ge=0, description="days payroll deducts (HR-19)")


class LeaveExtensionRequested(EventData):
    """Asked before the leave ends (HR-25); routed by the total length."""

    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    new_end_date: dt.date
    total_days: int = Field(ge=1)
    approver_role: str = Field(min_length=1, max_length=64)
    reason: str = Field(max_length=1000)


class LeaveExtended(EventData):
    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    new_end_date: dt.date
    total_days: int = Field(ge=1)
    approved_by: str = Field(min_length=1, max_length=128)


class LeaveExtensionRejected(EventData):
    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    rejected_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)


class LeaveWithdrawn(EventData):
    """The employee withdrew the request, pending or approved but not yet started (SM-LEAVE)."""

    leave_id: str = Field(pattern=ID_PATTERN)
    employee_id: str = Field(pattern=ID_PATTERN)
    withdrawn_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(max_length=1000)
    was_approved: bool = False
