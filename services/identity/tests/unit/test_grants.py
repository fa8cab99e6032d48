"""Grants and revocations on the RoleHolder aggregate (issue 17; IDN-1..IDN-5, rules.md §0 roles)."""

from __future__ import annotations

import pytest

from identity.bootstrap import IdentitySettings
from identity.domain.grants import ROLE_HOLDER
from identity.domain.policy import GrantorPolicy, GrantorSettingError
from jetstream_es.errors import Forbidden, RuleViolated
from shop_contracts.events.identity import RevocationCause, RoleGranted, RoleRevoked

from .helpers import ADMIN, CLERK, HR, NOW, SETUP, SUPERVISOR, app, grant, revoke


async def test_idn7_shop_setup_grants_the_first_administrator() -> None:
    a = app()
    await a.when(grant("e-admin", "identity_admin", by=SETUP, reason="first administrator"))
    (event,) = a.then(RoleGranted)
    assert isinstance(event, RoleGranted)
    assert (event.person_id, event.role, event.granted_by, event.at) == (
        "e-admin",
        "identity_admin",
        "shop-setup",
        NOW,
    )
    assert event.reason == "first administrator"
    assert (await a.state(ROLE_HOLDER, "e-admin")).roles == ("identity_admin",)


async def test_idn1_the_department_supervisor_grants_department_roles_only() -> None:
    a = app()
    await a.when(grant("e-1", "sales_staff", by=SUPERVISOR))
    a.then(RoleGranted)
    with pytest.raises(Forbidden, match="IDN-1") as refused:
        await a.when(grant("e-1", "hr_dept", by=SUPERVISOR))
    assert refused.value.rule == "IDN-1"
    with pytest.raises(Forbidden, match="identity_admin"):
        await a.when(grant("e-1", "dept_supervisor", by=SUPERVISOR))
    assert a.types("e-1") == ["RoleGranted"]


async def test_idn1_hr_grants_hr_dept_and_the_hr_side_roles_not_department_roles() -> None:
    a = app()
    await a.given(grant("e-2", "hr_dept", by=HR), grant("e-2", "direct_supervisor", by=HR))
    assert (await a.state(ROLE_HOLDER, "e-2")).roles == ("direct_supervisor", "hr_dept")
    with pytest.raises(Forbidden):
        await a.when(grant("e-2", "warehouse_keeper", by=HR))


async def test_idn1_a_person_without_a_grantor_role_grants_nothing() -> None:
    a = app()
    with pytest.raises(Forbidden, match="e-clerk is not"):
        await a.when(grant("e-3", "order_clerk", by=CLERK))
    assert a.types("e-3") == []


async def test_idn1_identity_admin_grants_anything_including_identity_admin() -> None:
    a = app()
    await a.given(grant("e-4", "identity_admin"), grant("e-4", "general_manager"), grant("e-4", "platform"))
    assert (await a.state(ROLE_HOLDER, "e-4")).roles == ("general_manager", "identity_admin", "platform")


async def test_idn4_nobody_but_an_identity_admin_grants_a_role_to_themselves() -> None:
    a = app()
    me = SUPERVISOR.model_copy(update={"id": "e-5"})
    with pytest.raises(Forbidden, match="IDN-4"):
        await a.when(grant("e-5", "sales_staff", by=me))
    admin = ADMIN.model_copy(update={"id": "e-6"})
    await a.when(grant("e-6", "sales_staff", by=admin))
    a.then(RoleGranted)


async def test_idn3_granting_a_held_role_or_revoking_one_not_held_is_refused_and_appends_nothing() -> None:
    a = app()
    await a.given(grant("e-7", "sales_staff", by=SUPERVISOR))
    with pytest.raises(RuleViolated, match="holds sales_staff already") as held:
        await a.when(grant("e-7", "sales_staff", by=SUPERVISOR))
    assert held.value.rule == "IDN-3"
    with pytest.raises(RuleViolated, match="does not hold order_clerk"):
        await a.when(revoke("e-7", "order_clerk", by=SUPERVISOR))
    assert a.types("e-7") == ["RoleGranted"]


async def test_idn3_the_same_grant_command_sent_again_answers_its_first_outcome() -> None:
    a = app()
    first = await a.when(grant("e-8", "sales_staff", by=SUPERVISOR, cid="g-same"))
    again = await a.when(grant("e-8", "sales_staff", by=SUPERVISOR, cid="g-same"))
    assert again.repeated
    assert again.event_ids == first.event_ids
    assert a.types("e-8") == ["RoleGranted"]


async def test_idn2_a_revocation_records_who_why_when_and_the_cause_manual() -> None:
    a = app()
    await a.given(grant("e-9", "sales_staff", by=SUPERVISOR))
    await a.when(revoke("e-9", "sales_staff", by=SUPERVISOR, reason="moved to the warehouse"))
    (event,) = a.then(RoleRevoked)
    assert isinstance(event, RoleRevoked)
    assert (event.revoked_by, event.reason, event.cause, event.at) == (
        "e-sup",
        "moved to the warehouse",
        RevocationCause.MANUAL,
        NOW,
    )
    assert (await a.state(ROLE_HOLDER, "e-9")).roles == ()


async def test_idn1_revoking_needs_the_authority_to_grant_the_role() -> None:
    a = app()
    await a.given(grant("e-10", "hr_dept", by=HR))
    with pytest.raises(Forbidden, match="IDN-1"):
        await a.when(revoke("e-10", "hr_dept", by=SUPERVISOR))


def test_idn2_a_blank_reason_is_refused_naming_the_field() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="reason"):
        grant("e-11", "sales_staff", reason="   ")


async def test_idn1_the_grantor_table_is_a_setting() -> None:
    settings = IdentitySettings(grantors={"order_clerk": ["sales_staff"], "identity_admin": ["*"]})
    a = app(settings)
    await a.when(grant("e-12", "sales_staff", by=CLERK))
    a.then(RoleGranted)
    with pytest.raises(Forbidden):
        await a.when(grant("e-12", "presales_cs", by=SUPERVISOR))


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("not json", "not JSON"),
        ('{"Sales": ["x"]}', "not a role id"),
        ('{"hr_dept": []}', "non-empty list"),
        ('{"hr_dept": ["Bad Role"]}', "are not role ids"),
        ('{"hr_dept": ["hr_dept"]}', "nobody may grant identity_admin"),
    ],
)
def test_idn1_a_bad_grantor_table_is_refused_naming_the_setting(raw: str, problem: str) -> None:
    with pytest.raises(GrantorSettingError, match=f"IDENTITY_GRANTORS.*{problem}"):
        GrantorPolicy.from_setting(raw)


def test_idn1_the_documented_default() -> None:
    policy = GrantorPolicy.default()
    assert "sales_staff" in policy.grantors["dept_supervisor"]
    assert {"hr_dept", "office", "cashier"} <= policy.grantors["hr_dept"]
    assert policy.grantors["identity_admin"] == frozenset({"*"})


def test_idn1_identity_grantors_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_GRANTORS", '{"hr_dept": ["office"], "identity_admin": ["*"]}')
    policy = IdentitySettings().policy()
    assert policy.grantors == {"hr_dept": frozenset({"office"}), "identity_admin": frozenset({"*"})}
    monkeypatch.setenv("IDENTITY_GRANTORS", '{"hr_dept": ["office"]}')
    with pytest.raises(ValueError, match="IDENTITY_GRANTORS"):
        IdentitySettings()
