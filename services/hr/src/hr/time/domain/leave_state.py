"""The LeaveRequest aggregate's state and how each event changes it (SM-LEAVE).

Active and Completed are not stored: they follow from the dates of a filed leave. An extension
waits for its approver in ExtensionPending and returns to the previous state if rejected. A
withdrawn request is Cancelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from hr.time.domain.state import LeaveStatus as L
from jetstream_es.aggregate import AggregateType
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import HR_LEAVE_REQUEST
from shop_contracts.events.hr_leave import (
    LeaveApproved,
    LeaveExtended,
    LeaveExtensionRejected,
    LeaveExtensionRequested,
    LeaveFiled,
    LeaveRejected,
    LeaveRequested,
    LeaveType,
    LeaveWithdrawn,
    MedicalCertificateAttached,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class Extension:
    new_end_date: dt.date
    total_days: int
    approver_role: str
    previous: L


@dataclass(frozen=True)
class LeaveState:
    status: L | None = None
    leave_id: str = ""
    employee_id: str = ""
    leave_type: LeaveType = LeaveType.PERSONAL
    start_date: dt.date = dt.date.min
    end_date: dt.date = dt.date.min
    days: int = 0
    approver_role: str = ""
    certificate_ref: str | None = None
    unpaid: bool = False
    filed_with: frozenset[str] = frozenset()
    extension: Extension | None = None
    emergency_acceptance_required: bool = False

    @property
    def exists(self) -> bool:
        return self.status is not None


def evolve(state: LeaveState, event: EventData) -> LeaveState:
    match event:
        case LeaveRequested():
            return LeaveState(
                status=L.AWAITING_CERTIFICATE if event.needs_certificate else L.PENDING_APPROVAL,
                leave_id=event.leave_id,
                employee_id=event.employee_id,
                leave_type=event.leave_type,
                start_date=event.start_date,
                end_date=event.end_date,
                days=event.days,
                approver_role=event.approver_role,
                certificate_ref=event.certificate_ref,
                unpaid=event.unpaid,
                emergency_acceptance_required=event.emergency_acceptance_required,
            )
        case LeaveWithdrawn():
            return replace(state, status=L.CANCELLED, extension=None)
        case MedicalCertificateAttached():
            return replace(state, status=L.PENDING_APPROVAL, certificate_ref=event.certificate_ref)
        case LeaveApproved():
            return replace(state, status=L.APPROVED)
        case LeaveRejected():
            return replace(state, status=L.REJECTED)
        case LeaveFiled():
            status = L.FILED if state.status is L.APPROVED else state.status
            return replace(state, status=status, filed_with=state.filed_with | {event.filed_with})
        case LeaveExtensionRequested():
            extension = Extension(
                event.new_end_date, event.total_days, event.approver_role, state.status or L.FILED
            )
            return replace(state, status=L.EXTENSION_PENDING, extension=extension)
        case LeaveExtended():
            return replace(
                state,
                status=L.EXTENDED,
                end_date=event.new_end_date,
                days=event.total_days,
                approver_role=state.extension.approver_role if state.extension else state.approver_role,
                extension=None,
            )
        case LeaveExtensionRejected():
            previous = state.extension.previous if state.extension else L.FILED
            return replace(state, status=previous, extension=None)
    return state


registry = EventRegistry(
    [
        LeaveRequested,
        MedicalCertificateAttached,
        LeaveApproved,
        LeaveRejected,
        LeaveFiled,
        LeaveExtensionRequested,
        LeaveExtended,
        LeaveExtensionRejected,
        LeaveWithdrawn,
    ]
)
LEAVE_REQUEST = AggregateType.of(HR_LEAVE_REQUEST, registry, LeaveState, evolve)
