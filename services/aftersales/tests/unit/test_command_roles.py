"""Who may issue which after-sales command is a setting (conflict C9, returns owner): the default is
000's mapping (the department supervisor decides and releases the refund, after-sales checks the
goods; AS-2, AS-7, AS-8); `AFTERSALES_COMMAND_ROLES` replaces the roles of the commands it names,
e.g. with 001's separate after-sales service department (AS-12); a bad value stops the service at
start-up, naming it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from aftersales.bootstrap import AftersalesSettings, build
from aftersales.refunds.domain.status import RefundCaseStatus as S
from aftersales.shared.roles import SERVICE_DEPARTMENT_001
from jetstream_es.errors import Forbidden
from jetstream_es.settings import RuntimeSettings
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import Actor
from shop_contracts.events.aftersales import ComplaintEscalated

from .customer_helpers import Customers, register
from .customer_helpers import cmd as customer_cmd
from .helpers import BUYER, CS, DELIVERED, PAID, PARCEL, PLACED, STAMPED, SUPERVISOR, Aftersales, cmd, request

SERVICE_PAGE = Path(__file__).resolve().parents[4] / "docs" / "services" / "aftersales.md"
SERVICE_DEPT = Actor(id="asd-1", roles=("aftersales_service_dept",))


def configured(command_roles: str) -> Aftersales:
    return Aftersales(AftersalesSettings.model_validate({"command_roles": command_roles}).policy())


def service_department() -> Aftersales:
    return configured(json.dumps(SERVICE_DEPARTMENT_001))


async def test_by_default_the_department_supervisor_approves_and_refunds_c9_as_2_as_8() -> None:
    a = Aftersales(AftersalesSettings().policy())
    await a.facts(PLACED, PAID)

    await a.given(request(received=False, reason="changed_mind"), cmd(c.ApproveRefundRequest, SUPERVISOR))
    await a.when(cmd(c.IssueRefund, SUPERVISOR, platform_ref="TB-1"))

    assert (await a.state()).status is S.REFUNDED


async def test_with_001s_mapping_the_service_department_approves_and_refunds_c9_as_12_as_8() -> None:
    a = service_department()
    await a.facts(PLACED, PAID)

    await a.given(request(received=False, reason="changed_mind"), cmd(c.ApproveRefundRequest, SERVICE_DEPT))
    await a.when(cmd(c.IssueRefund, SERVICE_DEPT, platform_ref="TB-1"))

    assert (await a.state()).status is S.REFUNDED


async def test_with_001s_mapping_the_service_department_takes_the_goods_back_c9_as_6_as_7() -> None:
    a = service_department()
    await a.facts(PLACED, PAID, STAMPED, DELIVERED)
    await a.given(
        request(),
        cmd(c.ApproveRefundRequest, SERVICE_DEPT),
        cmd(c.RecordReturnDispatch, BUYER, waybill_no="RB-1"),
    )
    await a.react(PARCEL, "parcel-1")

    await a.given(
        cmd(c.IssueReturnNote, SERVICE_DEPT, return_reason="screen flickers"),
        cmd(c.InspectReturn, SERVICE_DEPT, goods_match=True, accessories_present=("remote", "cable")),
        cmd(c.ConfirmReturnReceipt, SERVICE_DEPT),
        cmd(c.IssueRefund, SERVICE_DEPT, platform_ref="TB-1"),
    )

    assert (await a.state()).status is S.REFUNDED


async def test_with_001s_mapping_the_department_supervisor_is_refused_citing_the_rule_c9_as_2() -> None:
    a = service_department()
    await a.facts(PLACED, PAID)
    await a.given(request(received=False, reason="changed_mind"))

    with pytest.raises(Forbidden) as refused:
        await a.when(cmd(c.ApproveRefundRequest, SUPERVISOR))

    assert refused.value.rule == "AS-2"
    assert "needs the role aftersales_service_dept" in refused.value.message


async def test_an_override_of_the_refund_alone_refuses_the_supervisor_citing_as_8_c9() -> None:
    a = configured('{"IssueRefund": ["aftersales_service_dept"]}')
    await a.facts(PLACED, PAID)
    await a.given(request(received=False, reason="changed_mind"), cmd(c.ApproveRefundRequest, SUPERVISOR))

    with pytest.raises(Forbidden) as refused:
        await a.when(cmd(c.IssueRefund, SUPERVISOR, platform_ref="TB-1"))

    assert refused.value.rule == "AS-8"
    assert (await a.state()).status is S.APPROVED_NO_RETURN


async def test_an_override_moves_who_resolves_an_escalated_complaint_c9_as_19() -> None:
    settings = AftersalesSettings.model_validate(
        {"command_roles": '{"ResolveEscalatedComplaint": ["aftersales_cs"]}'}
    )
    k = Customers(settings.policy())
    await k.given(
        register(),
        customer_cmd(c.EscalateComplaint, complaint_id="cmp-1", reason="asks for compensation"),
    )

    await k.when(customer_cmd(c.ResolveComplaint, CS, complaint_id="cmp-1", resolution="coupon"))

    assert k.types()[-1] == "ComplaintResolved"


def test_the_service_pages_example_of_001s_mapping_is_the_declared_one_c9() -> None:
    found = re.search(
        r"AFTERSALES_COMMAND_ROLES='(\{[^']*\"ApproveRefundRequest\"[^']*\})'", SERVICE_PAGE.read_text()
    )

    assert found is not None, (
        "docs/services/aftersales.md shows 001's mapping as a value of AFTERSALES_COMMAND_ROLES"
    )
    assert json.loads(found.group(1)) == SERVICE_DEPARTMENT_001


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"IssueRefunds": ["aftersales_service_dept"]}', "IssueRefunds: no such command"),
        ('{"IssueRefund": []}', "IssueRefund: name at least one role"),
        ('{"IssueRefund": ["售后服务部"]}', "IssueRefund: ['售后服务部'] are not role ids"),
        ('{"IssueRefund": "dept_supervisor"}', "IssueRefund: give a list of role ids"),
    ],
)
def test_a_bad_command_roles_setting_stops_the_service_at_start_up_naming_it_c9(
    value: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFTERSALES_COMMAND_ROLES", value)

    with pytest.raises(ValidationError) as refused:
        build(RuntimeSettings(var_dir=tmp_path))

    assert f"AFTERSALES_COMMAND_ROLES: {problem}" in str(refused.value)


# AS-19: the escalation target is a role from the settings, one that may resolve the complaint


def escalated_to(k: Customers) -> str:
    event = k.events()[-1]
    assert isinstance(event, ComplaintEscalated)
    return event.escalated_to


async def test_a_complaint_is_escalated_to_the_configured_role_who_resolves_it_c9_as_19() -> None:
    settings = AftersalesSettings.model_validate(
        {
            "command_roles": '{"ResolveEscalatedComplaint": ["cs_supervisor", "aftersales_service_dept"]}',
            "escalation_role": "aftersales_service_dept",
        }
    )
    k = Customers(settings.policy())
    await k.given(register())

    await k.when(customer_cmd(c.EscalateComplaint, complaint_id="cmp-1", reason="asks for a repair"))
    assert escalated_to(k) == "aftersales_service_dept"
    await k.when(customer_cmd(c.ResolveComplaint, SERVICE_DEPT, complaint_id="cmp-1", resolution="repaired"))

    assert k.types()[-1] == "ComplaintResolved"


async def test_unset_the_escalation_goes_to_the_first_role_that_resolves_it_c9_as_19() -> None:
    default = Customers(AftersalesSettings().policy())
    moved = Customers(
        AftersalesSettings.model_validate(
            {"command_roles": '{"ResolveEscalatedComplaint": ["aftersales_cs"]}'}
        ).policy()
    )
    for k in (default, moved):
        await k.given(register())
        await k.when(customer_cmd(c.EscalateComplaint, complaint_id="cmp-1", reason="asks for compensation"))

    assert (escalated_to(default), escalated_to(moved)) == ("cs_supervisor", "aftersales_cs")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("presales_cs", "AFTERSALES_ESCALATION_ROLE: presales_cs may not resolve an escalated complaint"),
        ("CS Supervisor", "String should match pattern"),
    ],
)
def test_a_bad_escalation_role_stops_the_service_at_start_up_naming_it_as_19(
    value: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFTERSALES_ESCALATION_ROLE", value)

    with pytest.raises(ValidationError) as refused:
        build(RuntimeSettings(var_dir=tmp_path))

    assert problem in str(refused.value)
    assert "escalation_role" in str(refused.value) or "AFTERSALES_ESCALATION_ROLE" in str(refused.value)


def test_an_escalation_event_written_before_the_setting_still_reads_as_19() -> None:
    """The field only widened from the literal "cs_supervisor" to a role id: old events decode."""
    old = {
        "complaint_id": "cmp-1",
        "escalated_by": "as-1",
        "escalated_to": "cs_supervisor",
        "reason": "x",
        "escalated_at": "2026-03-02T01:00:00Z",
    }
    assert ComplaintEscalated.model_validate(old).escalated_to == "cs_supervisor"
    with pytest.raises(ValidationError):
        ComplaintEscalated.model_validate(old | {"escalated_to": "Supervisor!"})


async def test_the_role_escalated_to_answers_the_complaint_though_not_a_responder_c9_as_19() -> None:
    settings = AftersalesSettings.model_validate(
        {
            "command_roles": '{"ResolveEscalatedComplaint": ["aftersales_service_dept"]}',
            "escalation_role": "aftersales_service_dept",
        }
    )
    k = Customers(settings.policy())
    await k.given(
        register(), customer_cmd(c.EscalateComplaint, complaint_id="cmp-1", reason="asks for a repair")
    )

    await k.when(customer_cmd(c.RespondToComplaint, SERVICE_DEPT, complaint_id="cmp-1", response="on it"))

    assert k.types()[-1] == "ComplaintResponded"
