"""Leave requests (SM-LEAVE; HR-18..HR-26): one day ahead, sick leave afterwards, certificates,
approver routing at its boundaries, filing, extensions; given / when / then."""

from __future__ import annotations

import datetime as dt

import pytest

from hr.bootstrap import HrSettings
from hr.time.domain.state import LeaveStatus
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from shop_contracts.commands import hr as c
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_leave import (
    LeaveApproved,
    LeaveFiled,
    LeaveRequested,
    LeaveType,
    LeaveWithdrawn,
)

from .helpers import DIRECT, EMPLOYEE, HR, OFFICE, SENIOR, TODAY, Hr, approve, file, leave

TOMORROW = TODAY + dt.timedelta(days=1)
SICK = LeaveType.SICK


def days(n: int, start: dt.date = TOMORROW) -> dt.date:
    return start + dt.timedelta(days=n - 1)


@pytest.fixture
def hr() -> Hr:
    return Hr()


def requested(hr: Hr, leave_id: str = "lv-1") -> LeaveRequested:
    first = hr.events(leave_id, aggregate="LeaveRequest")[0]
    assert isinstance(first, LeaveRequested)
    return first


async def test_personal_leave_one_day_ahead_is_pending_with_the_direct_supervisor_hr_18(hr: Hr) -> None:
    await hr.when(leave(TOMORROW))
    event = requested(hr)
    assert (event.approver_role, event.days, event.unpaid, event.retroactive) == (
        "direct_supervisor",
        1,
        True,
        False,
    )
    assert (await hr.leave_state()).status is LeaveStatus.PENDING_APPROVAL


async def test_personal_leave_for_today_is_refused_hr_24_hr_27(hr: Hr) -> None:
    """HR-24 and 003's HR-27 both ask for absence to be arranged one day ahead."""
    with pytest.raises(RuleViolated) as refused:
        await hr.when(leave(TODAY))
    assert refused.value.rule == "HR-24"
    assert hr.leave_types() == []


async def test_an_emergency_may_be_filed_afterwards_hr_25(hr: Hr) -> None:
    await hr.when(leave(TODAY - dt.timedelta(days=1), emergency=True))
    assert requested(hr).retroactive
    assert requested(hr).emergency_acceptance_required


async def test_an_emergency_is_approved_only_when_the_approver_accepts_it_hr_25(hr: Hr) -> None:
    # given a personal leave of 5 days from today, applied for without notice as an emergency
    await hr.given(leave(TODAY, days(4), emergency=True))
    # when the routed approver approves without accepting the emergency, it is refused
    with pytest.raises(RuleViolated) as refused:
        await hr.when(approve(SENIOR))
    assert refused.value.rule == "HR-25"
    assert (await hr.leave_state()).status is LeaveStatus.PENDING_APPROVAL
    # then approving with the emergency accepted puts the leave in effect, and says so
    accepted = c.ApproveLeave(command_id="approve-2", actor=SENIOR, leave_id="lv-1", accept_emergency=True)
    await hr.when(accepted)
    [approved] = [e for e in hr.events("lv-1", aggregate="LeaveRequest") if isinstance(e, LeaveApproved)]
    assert approved.emergency_accepted


async def test_an_emergency_flag_on_leave_with_notice_needs_no_acceptance_hr_25(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, emergency=True))
    assert not requested(hr).emergency_acceptance_required
    await hr.when(approve(DIRECT))
    assert (await hr.leave_state()).status is LeaveStatus.APPROVED


async def test_sick_leave_of_one_day_may_be_applied_for_afterwards_hr_20(hr: Hr) -> None:
    await hr.when(leave(TODAY - dt.timedelta(days=1), leave_type=SICK))
    assert requested(hr).retroactive
    assert (await hr.leave_state()).status is LeaveStatus.PENDING_APPROVAL


async def test_sick_leave_of_two_days_afterwards_is_refused_hr_18(hr: Hr) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(leave(TODAY - dt.timedelta(days=1), TODAY, leave_type=SICK))
    assert refused.value.rule == "HR-18"


async def test_sick_leave_over_one_day_waits_for_a_hospital_certificate_hr_21(hr: Hr) -> None:
    await hr.when(leave(TOMORROW, days(2), leave_type=SICK))
    assert (await hr.leave_state()).status is LeaveStatus.AWAITING_CERTIFICATE
    with pytest.raises(RuleViolated) as refused:
        await hr.when(approve(DIRECT))
    assert refused.value.rule == "HR-21"
    await hr.when(
        c.AttachMedicalCertificate(
            command_id="cert-1", actor=EMPLOYEE, leave_id="lv-1", certificate_ref="H-9"
        )
    )
    await hr.when(approve(DIRECT))
    assert hr.leave_types()[-2:] == ["MedicalCertificateAttached", "LeaveApproved"]


async def test_sick_leave_with_its_certificate_goes_straight_to_approval_hr_21(hr: Hr) -> None:
    await hr.when(leave(TOMORROW, days(2), leave_type=SICK, certificate_ref="H-1"))
    assert (await hr.leave_state()).status is LeaveStatus.PENDING_APPROVAL


@pytest.mark.parametrize(
    ("leave_type", "length", "approver"),
    [
        (SICK, 3, "direct_supervisor"),
        (SICK, 4, "senior_leader"),
        (LeaveType.PERSONAL, 2, "direct_supervisor"),
        (LeaveType.PERSONAL, 3, "senior_leader"),
        (LeaveType.MARRIAGE, 10, "direct_supervisor"),
    ],
)
async def test_the_approver_is_routed_by_type_and_consecutive_days_hr_22_hr_26(
    hr: Hr, leave_type: LeaveType, length: int, approver: str
) -> None:
    await hr.when(leave(TOMORROW, days(length), leave_type=leave_type, certificate_ref="H-1"))
    assert requested(hr).approver_role == approver


async def test_exactly_three_sick_days_are_approved_by_the_direct_supervisor_hr_22(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(3), leave_type=SICK, certificate_ref="H-1"))
    await hr.when(approve(DIRECT))
    assert hr.leave_types()[-1] == "LeaveApproved"


async def test_four_sick_days_approved_by_the_direct_supervisor_is_forbidden_hr_22(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(4), leave_type=SICK, certificate_ref="H-1"))
    with pytest.raises(Forbidden) as refused:
        await hr.when(approve(DIRECT))
    assert refused.value.rule == "HR-22"
    await hr.when(approve(SENIOR, command_id="approve-2"))
    assert hr.leave_types()[-1] == "LeaveApproved"


async def test_exactly_two_personal_days_are_approved_by_the_direct_supervisor_hr_26(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(2)))
    await hr.when(approve(DIRECT))
    assert hr.leave_types()[-1] == "LeaveApproved"


async def test_three_personal_days_need_the_senior_leader_hr_26(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(3)))
    with pytest.raises(Forbidden) as refused:
        await hr.when(approve(DIRECT))
    assert refused.value.rule == "HR-26"
    await hr.when(approve(SENIOR, command_id="approve-2"))
    assert hr.leave_types()[-1] == "LeaveApproved"


async def test_the_approver_boundaries_are_configuration_hr_22() -> None:
    hr = Hr(HrSettings(sick_direct_max_days=4))
    await hr.when(leave(TOMORROW, days(4), leave_type=SICK, certificate_ref="H-1"))
    assert requested(hr).approver_role == "direct_supervisor"


async def test_nobody_approves_their_own_leave_hr_18(hr: Hr) -> None:
    await hr.given(leave(TOMORROW))
    boss = EMPLOYEE.model_copy(update={"roles": ("direct_supervisor",)})
    with pytest.raises(Forbidden):
        await hr.when(approve(boss))


async def test_someone_else_cannot_apply_for_an_employee_hr_18(hr: Hr) -> None:
    with pytest.raises(Forbidden):
        await hr.when(leave(TOMORROW, actor=DIRECT))


async def test_a_rejected_request_cannot_be_approved_sm_leave(hr: Hr) -> None:
    await hr.given(
        leave(TOMORROW), c.RejectLeave(command_id="rej-1", actor=DIRECT, leave_id="lv-1", reason="busy")
    )
    with pytest.raises(RuleViolated):
        await hr.when(approve(DIRECT))
    assert (await hr.leave_state()).status is LeaveStatus.REJECTED


async def test_approved_leave_is_filed_with_the_office_and_hr_with_its_unpaid_days_hr_18_hr_19_c18(
    hr: Hr,
) -> None:
    await hr.given(leave(TOMORROW, days(2)), approve(DIRECT))
    await hr.when(file(OFFICE))
    await hr.when(file(HR))
    filed = [e for e in hr.events("lv-1", aggregate="LeaveRequest") if isinstance(e, LeaveFiled)]
    assert [(f.filed_with, f.unpaid_days) for f in filed] == [("office", 2), ("hr_dept", 2)]
    state = await hr.leave_state()
    assert (state.status, state.filed_with) == (LeaveStatus.FILED, frozenset({"office", "hr_dept"}))
    with pytest.raises(RuleViolated):
        await hr.when(file(OFFICE).model_copy(update={"command_id": "file-again"}))


async def test_leave_not_yet_approved_cannot_be_filed_hr_18(hr: Hr) -> None:
    await hr.given(leave(TOMORROW))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(file(OFFICE))
    assert refused.value.rule == "HR-18"


async def test_marriage_leave_is_paid_hr_19(hr: Hr) -> None:
    await hr.when(leave(TOMORROW, leave_type=LeaveType.MARRIAGE))
    assert not requested(hr).unpaid


def extend(new_end: dt.date, command_id: str = "ext-1") -> c.ExtendLeave:
    return c.ExtendLeave(
        command_id=command_id, actor=EMPLOYEE, leave_id="lv-1", new_end_date=new_end, reason="not done"
    )


async def test_an_extension_is_routed_by_the_total_length_hr_25_hr_26(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(2)), approve(DIRECT), file(OFFICE))
    hr.clock.advance(dt.timedelta(days=1))  # the leave has started
    await hr.when(extend(days(3)))
    assert (await hr.leave_state()).status is LeaveStatus.EXTENSION_PENDING
    with pytest.raises(Forbidden) as refused:
        await hr.when(approve(DIRECT, command_id="approve-ext"))
    assert refused.value.rule == "HR-26"
    await hr.when(approve(SENIOR, command_id="approve-ext-2"))
    state = await hr.leave_state()
    assert (state.status, state.end_date, state.days) == (LeaveStatus.EXTENDED, days(3), 3)


async def test_a_rejected_extension_leaves_the_filed_leave_as_it_was_hr_25(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(2)), approve(DIRECT), file(OFFICE))
    hr.clock.advance(dt.timedelta(days=1))
    await hr.given(extend(days(3)))
    await hr.when(c.RejectLeave(command_id="rej-ext", actor=SENIOR, leave_id="lv-1", reason="no"))
    state = await hr.leave_state()
    assert (state.status, state.end_date) == (LeaveStatus.FILED, days(2))


async def test_an_extension_after_the_leave_ended_is_refused_hr_25() -> None:
    hr = Hr()
    await hr.given(leave(TOMORROW), approve(DIRECT), file(OFFICE))
    hr.clock.advance(dt.timedelta(days=2))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(extend(days(3)))
    assert refused.value.rule == "HR-25"


async def test_an_extension_before_the_leave_starts_is_refused_sm_leave(hr: Hr) -> None:
    # given approved leave starting tomorrow
    await hr.given(leave(TOMORROW, days(2)), approve(DIRECT), file(OFFICE))
    # when the employee asks to extend it today, it is refused: it has not started
    with pytest.raises(RuleViolated) as refused:
        await hr.when(extend(days(3)))
    assert refused.value.rule == "SM-LEAVE"
    assert (await hr.leave_state()).status is LeaveStatus.FILED


def withdraw(actor: Actor = EMPLOYEE, command_id: str = "withdraw-1") -> c.WithdrawLeave:
    return c.WithdrawLeave(command_id=command_id, actor=actor, leave_id="lv-1", reason="plans changed")


async def test_the_employee_withdraws_a_pending_request_sm_leave(hr: Hr) -> None:
    await hr.given(leave(TOMORROW))
    await hr.when(withdraw())
    assert (await hr.leave_state()).status is LeaveStatus.CANCELLED
    assert hr.leave_types() == ["LeaveRequested", "LeaveWithdrawn"]


async def test_approved_leave_is_withdrawn_before_it_starts_not_after_sm_leave(hr: Hr) -> None:
    # given approved leave starting tomorrow
    await hr.given(leave(TOMORROW, days(2)), approve(DIRECT))
    # when the leave has started, withdrawing it is refused
    hr.clock.advance(dt.timedelta(days=1))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(withdraw())
    assert refused.value.rule == "SM-LEAVE"
    # then, before it starts, it can be withdrawn (another harness at today's date)
    before = Hr()
    await before.given(leave(TOMORROW, days(2)), approve(DIRECT))
    await before.when(withdraw())
    [withdrawn] = [
        e for e in before.events("lv-1", aggregate="LeaveRequest") if isinstance(e, LeaveWithdrawn)
    ]
    assert withdrawn.was_approved


async def test_only_the_employee_withdraws_their_leave_sm_leave(hr: Hr) -> None:
    await hr.given(leave(TOMORROW))
    with pytest.raises(Forbidden):
        await hr.when(withdraw(DIRECT))


async def test_a_rejected_request_is_not_withdrawn_sm_leave(hr: Hr) -> None:
    await hr.given(
        leave(TOMORROW), c.RejectLeave(command_id="rej", actor=DIRECT, leave_id="lv-1", reason="no")
    )
    with pytest.raises(RuleViolated):
        await hr.when(withdraw())


async def test_an_extension_must_move_the_end_later(hr: Hr) -> None:
    await hr.given(leave(TOMORROW, days(2)), approve(DIRECT))
    hr.clock.advance(dt.timedelta(days=1))
    with pytest.raises(InvalidCommand):
        await hr.when(extend(TOMORROW))


async def test_submitting_the_same_command_twice_appends_once(hr: Hr) -> None:
    await hr.given(leave(TOMORROW))
    result = await hr.when(leave(TOMORROW))
    assert result.repeated
    assert hr.leave_types() == ["LeaveRequested"]
