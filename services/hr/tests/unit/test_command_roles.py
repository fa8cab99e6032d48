"""Who may issue which HR command is a setting (conflict C9): `HR_COMMAND_ROLES` replaces the
default roles (domain/roles.py and domain/people_roles.py, one table) of the commands it names, on
both the attendance and leave side and the people, discipline and payroll side; a bad value stops
the service at start-up, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hr.bootstrap import HrSettings, build
from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.settings import RuntimeSettings
from shop_contracts.commands import hr as c
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_leave import LeaveType

from .helpers import DIRECT, HR, OFFICE, SENIOR, TODAY, Hr, approve, file, leave
from .people_harness import MANAGER, SUPERVISOR, People, onboard

TOMORROW = TODAY.fromordinal(TODAY.toordinal() + 1)
SICK = LeaveType.SICK


def settings(command_roles: str) -> HrSettings:
    return HrSettings.model_validate({"command_roles": command_roles})


async def test_an_override_lets_hr_alone_file_leave_and_refuses_the_office_c9_hr_18() -> None:
    hr = Hr(settings('{"FileLeave": ["hr_dept"]}'))
    await hr.given(leave(TOMORROW), approve(DIRECT))

    with pytest.raises(Forbidden) as refused:
        await hr.when(file(OFFICE))
    await hr.when(file(HR))

    assert refused.value.rule == "HR-18"
    assert "needs the role hr_dept" in refused.value.message


async def test_leave_is_still_filed_with_a_body_when_another_role_may_file_it_c9_hr_18_c18() -> None:
    hr = Hr(settings('{"FileLeave": ["office", "ecom_supervisor"]}'))
    await hr.given(leave(TOMORROW), approve(DIRECT))

    with pytest.raises(RuleViolated) as refused:
        await hr.when(file(Actor(id="ecom-1", roles=("ecom_supervisor",))))

    assert refused.value.rule == "HR-18"
    assert "filed with the office or HR (C18); ecom-1 acts for neither" in refused.value.message


def certificate(actor: Actor) -> c.AttachMedicalCertificate:
    return c.AttachMedicalCertificate(
        command_id=f"cert-{actor.id}", actor=actor, leave_id="lv-1", certificate_ref="H-9"
    )


async def test_an_override_changes_who_may_attach_a_certificate_c9_hr_21() -> None:
    """HR-21: by default the office or HR attaches a certificate to someone's sick leave; with
    `AttachMedicalCertificate` overridden to the direct supervisor, the office is refused."""
    hr = Hr(settings('{"AttachMedicalCertificate": ["direct_supervisor"]}'))
    await hr.given(leave(TOMORROW, TOMORROW.fromordinal(TOMORROW.toordinal() + 1), leave_type=SICK))

    with pytest.raises(Forbidden) as refused:
        await hr.when(certificate(OFFICE))
    await hr.when(certificate(DIRECT))

    assert refused.value.rule == "HR-21"
    assert "the employee or the role direct_supervisor" in refused.value.message
    assert hr.leave_types()[-1] == "MedicalCertificateAttached"


async def test_by_default_the_office_attaches_a_certificate_and_a_supervisor_may_not_c9_hr_21() -> None:
    hr = Hr(HrSettings())
    await hr.given(leave(TOMORROW, TOMORROW.fromordinal(TOMORROW.toordinal() + 1), leave_type=SICK))

    with pytest.raises(Forbidden):
        await hr.when(certificate(DIRECT))
    await hr.when(certificate(OFFICE))

    assert hr.leave_types()[-1] == "MedicalCertificateAttached"


async def test_an_override_lets_the_manager_onboard_and_refuses_hr_c9_hr_38() -> None:
    people = People(settings('{"OnboardEmployee": ["dept_manager"]}'))

    with pytest.raises(Forbidden) as refused:
        await people.when(onboard())
    await people.when(onboard(actor=MANAGER))

    assert refused.value.rule == "HR-38"
    assert people.types("emp-1", aggregate="Employee") == ["EmployeeOnboarded"]


async def test_without_an_override_the_defaults_hold_c9_hr_38() -> None:
    people = People(HrSettings())

    with pytest.raises(Forbidden) as refused:
        await people.when(onboard(actor=SUPERVISOR))

    assert refused.value.rule == "HR-38"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"FileLeaves": ["hr_dept"]}', "FileLeaves: no such command"),
        ('{"CalculatePayroll": []}', "CalculatePayroll: name at least one role"),
        (
            '{"PublishRota": ["E-Commerce Supervisor"]}',
            "PublishRota: ['E-Commerce Supervisor'] are not role ids",
        ),
        ("{", "not JSON"),
    ],
)
def test_a_bad_command_roles_setting_stops_the_service_at_start_up_naming_it_c9(
    value: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HR_COMMAND_ROLES", value)

    with pytest.raises(ValidationError) as refused:
        build(RuntimeSettings(var_dir=tmp_path))

    assert f"HR_COMMAND_ROLES: {problem}" in str(refused.value)


async def test_the_leave_approvers_are_settings_c9_hr_26() -> None:
    """HR-26: personal leave over two days goes to the senior approver; with
    HR_LEAVE_SENIOR_APPROVER=dept_manager the department manager decides it, the senior leader may not."""
    hr = Hr(HrSettings.model_validate({"leave_senior_approver": "dept_manager"}))
    await hr.given(leave(TOMORROW, TOMORROW.fromordinal(TOMORROW.toordinal() + 2)))

    with pytest.raises(Forbidden) as refused:
        await hr.when(approve(SENIOR))
    await hr.when(approve(Actor(id="mgr-1", roles=("dept_manager",)), command_id="approve-2"))

    assert refused.value.rule == "HR-26"
    assert "decided by the dept_manager" in refused.value.message
    assert hr.leave_types()[-1] == "LeaveApproved"


def test_a_leave_approver_setting_must_be_a_role_id_hr_22(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HR_LEAVE_DIRECT_APPROVER", "Direct Supervisor")

    with pytest.raises(ValidationError) as refused:
        build(RuntimeSettings(var_dir=tmp_path))

    assert "leave_direct_approver" in str(refused.value)
