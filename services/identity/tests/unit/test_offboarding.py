"""HR's offboarding revokes every role (issue 17; IDN-5: the employee has left, EmployeeOffboarded)."""

from __future__ import annotations

from identity.domain.grants import ROLE_HOLDER
from shop_contracts.aggregates import HR_EMPLOYEE
from shop_contracts.events.identity import RevocationCause, RoleRevoked

from .helpers import HR, SUPERVISOR, app, grant, offboarded


async def test_idn5_offboarding_revokes_every_role_with_cause_offboarded() -> None:
    a = app()
    await a.given(grant("e-1", "sales_staff", by=SUPERVISOR), grant("e-1", "office", by=HR))
    results = await a.react(offboarded("e-1"), aggregate_id="e-1", source=HR_EMPLOYEE, event_id="ev-1")
    assert len(results) == 1
    assert len(results[0].event_ids) == 2
    revoked = a.then(RoleRevoked, RoleRevoked)
    assert {e.role for e in revoked if isinstance(e, RoleRevoked)} == {"office", "sales_staff"}
    for event in revoked:
        assert isinstance(event, RoleRevoked)
        assert event.cause is RevocationCause.OFFBOARDED
        assert event.revoked_by == "e-hr"
        assert "offboarded (resigned" in event.reason
    assert (await a.state(ROLE_HOLDER, "e-1")).roles == ()


async def test_idn5_a_redelivered_offboarding_appends_nothing() -> None:
    a = app()
    await a.given(grant("e-2", "sales_staff", by=SUPERVISOR))
    await a.react(offboarded("e-2"), aggregate_id="e-2", event_id="ev-2")
    (again,) = await a.react(offboarded("e-2"), aggregate_id="e-2", event_id="ev-2")
    assert again.repeated or not again.event_ids
    assert a.types("e-2") == ["RoleGranted", "RoleRevoked"]


async def test_idn5_offboarding_a_person_without_roles_appends_nothing() -> None:
    a = app()
    (result,) = await a.react(offboarded("e-3"), aggregate_id="e-3", event_id="ev-3")
    assert result.event_ids == ()
    assert a.types("e-3") == []


async def test_idn5_a_role_granted_again_after_offboarding_is_a_new_grant() -> None:
    a = app()
    await a.given(grant("e-4", "sales_staff", by=SUPERVISOR))
    await a.react(offboarded("e-4"), aggregate_id="e-4", event_id="ev-4")
    await a.when(grant("e-4", "sales_staff", by=SUPERVISOR, reason="rehired"))
    assert (await a.state(ROLE_HOLDER, "e-4")).roles == ("sales_staff",)
