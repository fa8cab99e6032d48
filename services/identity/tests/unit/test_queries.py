"""Who reads a person's roles (issue 17, IDN-6): the person themself, identity_admin, hr_dept and the
person issuer (`identity_issuer`); anyone else is forbidden. ListGrants is for identity_admin and
hr_dept (its `read_roles`, checked by the runtime before the handler)."""

from __future__ import annotations

import pytest

from jetstream_es.errors import Forbidden
from jetstream_es.identity import IdentityRefused, acting_as
from shop_contracts.envelope import Actor
from shop_contracts.queries.identity import GRANT_READERS, ListGrants, RolesOf

from .helpers import CLERK, HR, SUPERVISOR, app, grant, revoke

ISSUER = Actor(id="shop-issuer", roles=("identity_issuer",))


async def _roles_of(a, person: str, reader: Actor):  # type: ignore[no-untyped-def]
    handler = a.runtime.query_handlers[RolesOf]
    with acting_as(reader):
        return await handler(RolesOf(person_id=person))


async def test_idn6_roles_of_answers_the_roles_held_right_now() -> None:
    a = app()
    await a.given(
        grant("e-1", "sales_staff", by=SUPERVISOR, reason="new hire"),
        grant("e-1", "order_clerk", by=SUPERVISOR),
        revoke("e-1", "order_clerk", by=SUPERVISOR),
    )
    answer = await _roles_of(a, "e-1", ISSUER)
    assert answer["roles"] == ["sales_staff"]
    assert answer["grants"][0] == {
        "role": "sales_staff",
        "granted_by": "e-sup",
        "granted_at": a.clock.now().isoformat(),
        "reason": "new hire",
    }


@pytest.mark.parametrize(
    "reader", [Actor(id="e-1", roles=()), HR, ISSUER, Actor(id="x", roles=("identity_admin",))]
)
async def test_idn6_the_person_hr_the_admin_and_the_issuer_read_the_roles(reader: Actor) -> None:
    a = app()
    await a.given(grant("e-1", "sales_staff", by=SUPERVISOR))
    assert (await _roles_of(a, "e-1", reader))["roles"] == ["sales_staff"]


async def test_idn6_anyone_else_is_forbidden_to_read_a_persons_roles() -> None:
    a = app()
    with pytest.raises(Forbidden, match="theirs") as refused:
        await _roles_of(a, "e-1", CLERK)
    assert refused.value.rule == "IDN-6"


async def test_idn6_roles_of_without_a_proven_actor_is_refused() -> None:
    a = app()
    with pytest.raises(IdentityRefused):
        await a.runtime.query_handlers[RolesOf](RolesOf(person_id="e-1"))


def test_idn6_the_grant_history_is_for_identity_admin_and_hr() -> None:
    assert ListGrants.read_roles == GRANT_READERS == ("identity_admin", "hr_dept")
    assert RolesOf.read_roles is None  # own-data rule in the handler
