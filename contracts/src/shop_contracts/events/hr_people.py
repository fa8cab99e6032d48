"""HR's employee events (HR-38, DIS-6, DIS-7, DIS-12, DIS-13; rules.md §10.4): onboarding with the ID
copy and the employee file, the safety-training gate, resignation with one month's notice, the
witnessed hand-over, offboarding and the erasure of personal data.

Personal data (name, ID number, phone, address, bank account) never travels in clear: it rides in
`SealedPersonalData`, encrypted with the employee's own data key, which HR keeps outside the event
stream. Deleting that key (EmployeePersonalDataErased) makes every copy unreadable while the
history, and payroll amounts, stay intact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData


class Grade(StrEnum):
    """HR-39: supervisors and team members have different base salaries."""

    SUPERVISOR = "supervisor"
    TEAM_MEMBER = "team_member"


class SealedPersonalData(BaseModel):
    """Personal fields, AES-GCM encrypted with the employee's data key (base64 nonce and ciphertext)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    algorithm: str = Field(default="AES-256-GCM", max_length=32)
    nonce: str = Field(min_length=1, max_length=64)
    ciphertext: str = Field(min_length=1, max_length=20_000)


class EmployeeOnboarded(EventData):
    """Day one (HR-38, DIS-6): post, grade, base salary (HR-39), ID copy received, employee file."""

    employee_id: str = Field(pattern=ID_PATTERN)
    join_date: dt.date
    post: str = Field(min_length=1, max_length=64)
    grade: Grade
    base_salary: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    id_copy_received: bool
    employee_file_completed: bool
    personal: SealedPersonalData
    onboarded_by: str = Field(min_length=1, max_length=128)


class SafetyTrainingPassed(EventData):
    """The safety exam was passed: the employee may now be rostered (DIS-13)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    passed_on: dt.date
    score: int | None = Field(default=None, ge=0, le=100)
    recorded_by: str = Field(min_length=1, max_length=128)


class SafetyTrainingFailed(EventData):
    """The safety exam was failed; the gate stays closed (DIS-13)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    taken_on: dt.date
    score: int | None = Field(default=None, ge=0, le=100)
    recorded_by: str = Field(min_length=1, max_length=128)


class RosteredBeforeSafetyTraining(EventData):
    """A shift was assigned to an onboarded employee who has not passed the safety exam (DIS-13)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    work_date: dt.date
    shift: str = Field(max_length=32)
    rule: str = Field(default="DIS-13", max_length=16)


class ResignationSubmitted(EventData):
    """A written resignation (DIS-7). Notice shorter than required blocks the final settlement."""

    employee_id: str = Field(pattern=ID_PATTERN)
    submitted_on: dt.date
    effective_date: dt.date
    required_from: dt.date = Field(description="the earliest effective date the notice allows")
    final_settlement_blocked: bool
    rule: str = Field(default="DIS-7", max_length=16)


class HandoverCompleted(EventData):
    """Work, property, data and keys handed over to a successor, witnessed by a leader (DIS-7, DIS-12)."""

    employee_id: str = Field(pattern=ID_PATTERN)
    handed_to: str = Field(min_length=1, max_length=128)
    witnessed_by: str = Field(min_length=1, max_length=128)
    completed_on: dt.date
    items: tuple[str, ...] = ()


class SeparationReason(StrEnum):
    RESIGNED = "resigned"
    DISMISSED = "dismissed"


class EmployeeOffboarded(EventData):
    """The employee left (DIS-7, DIS-12, HR-16, DIS-1); payroll pays up to `effective_date`."""

    employee_id: str = Field(pattern=ID_PATTERN)
    effective_date: dt.date
    reason: SeparationReason
    final_settlement_blocked: bool
    reference: str | None = Field(default=None, max_length=128, description="the dismissal decision")
    offboarded_by: str = Field(min_length=1, max_length=128)


class EmployeePersonalDataErased(EventData):
    """The employee's data key was deleted on request: personal data is unreadable from now on."""

    employee_id: str = Field(pattern=ID_PATTERN)
    requested_by: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=500)
