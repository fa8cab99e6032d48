"""The identity service's real wiring on the in-memory store and a fixed clock (decision 0007)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from identity.bootstrap import IdentitySettings, build
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp, bootstrap_test_app
from shop_contracts.commands.identity import GrantRole, RevokeRole
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_people import EmployeeOffboarded, SeparationReason

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SETUP = Actor(id="shop-setup", roles=("identity_admin",))
ADMIN = Actor(id="e-admin", roles=("identity_admin",))
SUPERVISOR = Actor(id="e-sup", roles=("dept_supervisor",))
HR = Actor(id="e-hr", roles=("hr_dept",))
CLERK = Actor(id="e-clerk", roles=("order_clerk",))

_ids = iter(range(1, 1_000_000))


def app(settings: IdentitySettings | None = None) -> TestApp:
    return bootstrap_test_app(build, "identity", NOW, RuntimeSettings(), settings or IdentitySettings())


def grant(
    person: str, role: str, by: Actor = ADMIN, reason: str = "joins the team", cid: str = ""
) -> GrantRole:
    return GrantRole(
        command_id=cid or f"g-{next(_ids)}", actor=by, person_id=person, role=role, reason=reason
    )


def revoke(person: str, role: str, by: Actor = ADMIN, reason: str = "moved", cid: str = "") -> RevokeRole:
    return RevokeRole(
        command_id=cid or f"r-{next(_ids)}", actor=by, person_id=person, role=role, reason=reason
    )


def offboarded(person: str) -> EmployeeOffboarded:
    return EmployeeOffboarded(
        employee_id=person,
        effective_date=date(2026, 12, 1),
        reason=SeparationReason.RESIGNED,
        final_settlement_blocked=False,
        offboarded_by="e-hr",
    )
