"""Leave decisions (SM-LEAVE): apply one day ahead (HR-18, HR-24, HR-27) except sick leave of one
day or less (HR-20) and emergencies (HR-25), which are filed afterwards; sick leave over one day
waits for a hospital certificate (HR-21); the approver is routed by type and consecutive days
(HR-22: sick ≤3 → direct supervisor, longer → senior leader; HR-26: personal ≤2 → direct
supervisor, longer → senior leader; other types → direct supervisor); filing with the office and
HR (HR-18, C18); extensions asked before the end and routed by the total length (HR-25).
Personal and sick leave are unpaid (HR-19). Comp leave draws the comp-time balance when requested
(HR-31; see overtime.py) and is not extended.
"""

from __future__ import annotations

import datetime as dt

from hr.shared.roles import HR_DEPT, OFFICE, require_own
from hr.time.domain.leave_state import LeaveState
from hr.time.domain.policy import LeavePolicy
from hr.time.domain.state import LeaveStatus as L
from jetstream_es.errors import Forbidden, InvalidCommand, NotFound, RuleViolated
from jetstream_es.roles import CommandRoles
from shop_contracts.commands.hr import (
    ApproveLeave,
    AttachMedicalCertificate,
    ExtendLeave,
    FileLeave,
    RejectLeave,
    SubmitLeave,
    WithdrawLeave,
)
from shop_contracts.envelope import Actor
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

ROUTING_RULE = {LeaveType.SICK: "HR-22", LeaveType.PERSONAL: "HR-26"}
IN_EFFECT = frozenset({L.APPROVED, L.FILED, L.EXTENDED})


def route(leave_type: LeaveType, days: int, policy: LeavePolicy) -> str:
    """The approver role for `days` consecutive days of leave (HR-22, HR-26): the policy's direct
    approver (direct supervisor) up to the type's boundary, its senior approver (senior leader)
    beyond; both are settings (C9)."""
    limit = {
        LeaveType.SICK: policy.sick_direct_max_days,
        LeaveType.PERSONAL: policy.personal_direct_max_days,
    }.get(leave_type)
    return policy.direct_approver if limit is None or days <= limit else policy.senior_approver


def span(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def existing(state: LeaveState, leave_id: str) -> LeaveState:
    if not state.exists:
        raise NotFound(f"leave request {leave_id} does not exist")
    return state


def submit(
    state: LeaveState, cmd: SubmitLeave, policy: LeavePolicy, now: dt.datetime, today: dt.date
) -> list[EventData]:
    require_own(cmd.actor, cmd.employee_id, "SubmitLeave", "HR-18", what="application")
    if state.exists:
        raise RuleViolated(f"leave request {cmd.leave_id} exists already", "SM-LEAVE")
    days = span(cmd.start_date, cmd.end_date)
    sick = cmd.leave_type is LeaveType.SICK
    late = (cmd.start_date - today).days < policy.notice_days
    sick_afterwards = sick and days <= policy.sick_retroactive_max_days
    afterwards = cmd.emergency or sick_afterwards
    if late and not afterwards:
        rule = "HR-24" if cmd.leave_type is LeaveType.PERSONAL else "HR-18"
        raise RuleViolated(
            f"leave is applied for at least {policy.notice_days} day(s) ahead; {cmd.start_date} is too "
            f"soon after {today} (only sick leave of {policy.sick_retroactive_max_days} day or less and "
            "emergencies are filed afterwards)",
            rule,
        )
    needs_certificate = sick and days > policy.certificate_over_days and cmd.certificate_ref is None
    return [
        LeaveRequested(
            leave_id=cmd.leave_id,
            employee_id=cmd.employee_id,
            leave_type=cmd.leave_type,
            start_date=cmd.start_date,
            end_date=cmd.end_date,
            days=days,
            reason=cmd.reason,
            emergency=cmd.emergency,
            retroactive=late,
            emergency_acceptance_required=late and not sick_afterwards,
            approver_role=route(cmd.leave_type, days, policy),
            needs_certificate=needs_certificate,
            certificate_ref=cmd.certificate_ref,
            unpaid=cmd.leave_type in policy.unpaid_types,
            submitted_at=now,
        )
    ]


def attach_certificate(
    state: LeaveState, cmd: AttachMedicalCertificate, *, roles: CommandRoles
) -> list[EventData]:
    """HR-21: the employee attaches their own certificate; for someone else's leave the actor needs
    one of the roles `AttachMedicalCertificate` has in the C9 table (office or HR by default)."""
    existing(state, cmd.leave_id)
    if cmd.actor.id != state.employee_id:
        grant = roles.grant("AttachMedicalCertificate")
        if not cmd.actor.has_any(*grant.roles):
            raise Forbidden(
                f"{cmd.actor.id} may not attach a certificate to {state.employee_id}'s leave: only "
                f"the employee or the role {' or '.join(grant.roles)} may",
                grant.rule,
            )
    if state.status is not L.AWAITING_CERTIFICATE:
        raise RuleViolated(
            f"leave request {cmd.leave_id} is {state.status}, not awaiting a certificate", "HR-21"
        )
    return [MedicalCertificateAttached(leave_id=cmd.leave_id, certificate_ref=cmd.certificate_ref)]


def _approver(state: LeaveState, actor: Actor, role: str) -> None:
    rule = ROUTING_RULE.get(state.leave_type, "HR-18")
    if actor.id == state.employee_id:
        raise Forbidden(f"{actor.id} may not decide on their own leave", rule)
    if not actor.has_any(role):
        raise Forbidden(
            f"{state.leave_type} leave of {state.extension.total_days if state.extension else state.days} "
            f"day(s) is decided by the {role}; {actor.id} is not one",
            rule,
        )


def _decidable(state: LeaveState, leave_id: str) -> str:
    existing(state, leave_id)
    if state.status is L.AWAITING_CERTIFICATE:
        raise RuleViolated(f"sick leave {leave_id} over one day waits for a hospital certificate", "HR-21")
    if state.status is L.EXTENSION_PENDING and state.extension is not None:
        return state.extension.approver_role
    if state.status is not L.PENDING_APPROVAL:
        raise RuleViolated(
            f"leave request {leave_id} is {state.status}; nothing awaits a decision", "SM-LEAVE"
        )
    return state.approver_role


def approve(state: LeaveState, cmd: ApproveLeave) -> list[EventData]:
    role = _decidable(state, cmd.leave_id)
    _approver(state, cmd.actor, role)
    emergency = state.extension is None and state.emergency_acceptance_required
    if emergency and not cmd.accept_emergency:
        raise RuleViolated(
            f"leave request {cmd.leave_id} starting {state.start_date} was applied for without the "
            "one-day notice as an emergency; approve it with accept_emergency=true to accept the "
            "emergency, or reject it",
            "HR-25",
        )
    if state.extension is not None:
        return [
            LeaveExtended(
                leave_id=cmd.leave_id,
                employee_id=state.employee_id,
                new_end_date=state.extension.new_end_date,
                total_days=state.extension.total_days,
                approved_by=cmd.actor.id,
            )
        ]
    return [
        LeaveApproved(
            leave_id=cmd.leave_id,
            employee_id=state.employee_id,
            approved_by=cmd.actor.id,
            approver_role=role,
            days=state.days,
            unpaid=state.unpaid,
            emergency_accepted=emergency,
        )
    ]


def reject(state: LeaveState, cmd: RejectLeave) -> list[EventData]:
    role = _decidable(state, cmd.leave_id)
    _approver(state, cmd.actor, role)
    if state.extension is not None:
        return [
            LeaveExtensionRejected(
                leave_id=cmd.leave_id,
                employee_id=state.employee_id,
                rejected_by=cmd.actor.id,
                reason=cmd.reason,
            )
        ]
    return [
        LeaveRejected(
            leave_id=cmd.leave_id, employee_id=state.employee_id, rejected_by=cmd.actor.id, reason=cmd.reason
        )
    ]


def file(state: LeaveState, cmd: FileLeave, *, roles: CommandRoles) -> list[EventData]:
    roles.require(cmd.actor, "FileLeave")
    existing(state, cmd.leave_id)
    if state.status not in IN_EFFECT:
        raise RuleViolated(
            f"leave request {cmd.leave_id} is {state.status}; only approved leave is filed", "HR-18"
        )
    held = [b for b in (OFFICE, HR_DEPT) if cmd.actor.has_any(b)]
    if not held:
        raise RuleViolated(
            f"leave is filed with the office or HR (C18); {cmd.actor.id} acts for neither", "HR-18"
        )
    bodies = [b for b in held if b not in state.filed_with]
    if not bodies:
        raise RuleViolated(
            f"leave request {cmd.leave_id} is filed with {cmd.actor.id}'s body already", "HR-18"
        )
    body = bodies[0]
    return [
        LeaveFiled(
            leave_id=cmd.leave_id,
            employee_id=state.employee_id,
            filed_with=body,
            filed_by=cmd.actor.id,
            unpaid_days=state.days if state.unpaid else 0,
        )
    ]


def extend(state: LeaveState, cmd: ExtendLeave, policy: LeavePolicy, today: dt.date) -> list[EventData]:
    existing(state, cmd.leave_id)
    require_own(cmd.actor, state.employee_id, "ExtendLeave", "HR-25", what="application")
    if state.leave_type is LeaveType.COMP:
        raise RuleViolated(
            f"comp leave {cmd.leave_id} is not extended; apply for more comp leave against the balance",
            "HR-31",
        )
    if state.status not in IN_EFFECT:
        raise RuleViolated(
            f"leave request {cmd.leave_id} is {state.status}; only leave in effect is extended", "HR-25"
        )
    if today > state.end_date:
        raise RuleViolated(
            f"an extension is asked before the leave ends ({state.end_date}); it is {today}", "HR-25"
        )
    if today < state.start_date:
        raise RuleViolated(
            f"leave {cmd.leave_id} has not started (it starts {state.start_date}); an extension is asked "
            "once it is active: withdraw it and apply again for other dates",
            "SM-LEAVE",
        )
    if cmd.new_end_date <= state.end_date:
        raise InvalidCommand(
            f"new_end_date {cmd.new_end_date} does not extend the leave ending {state.end_date}",
            fields=["new_end_date"],
        )
    total = span(state.start_date, cmd.new_end_date)
    return [
        LeaveExtensionRequested(
            leave_id=cmd.leave_id,
            employee_id=state.employee_id,
            new_end_date=cmd.new_end_date,
            total_days=total,
            approver_role=route(state.leave_type, total, policy),
            reason=cmd.reason,
        )
    ]


WITHDRAWABLE = frozenset({L.AWAITING_CERTIFICATE, L.PENDING_APPROVAL})


def withdraw(state: LeaveState, cmd: WithdrawLeave, today: dt.date) -> list[EventData]:
    """SM-LEAVE: the employee withdraws a pending request, or approved leave before it starts."""
    existing(state, cmd.leave_id)
    require_own(cmd.actor, state.employee_id, "WithdrawLeave", "SM-LEAVE", what="application")
    approved = state.status in (L.APPROVED, L.FILED)
    if state.status not in WITHDRAWABLE and not (approved and today < state.start_date):
        raise RuleViolated(
            f"leave request {cmd.leave_id} is {state.status} (starting {state.start_date}); only a pending "
            "request, or approved leave before it starts, is withdrawn",
            "SM-LEAVE",
        )
    return [
        LeaveWithdrawn(
            leave_id=cmd.leave_id,
            employee_id=state.employee_id,
            withdrawn_by=cmd.actor.id,
            reason=cmd.reason,
            was_approved=approved,
        )
    ]
