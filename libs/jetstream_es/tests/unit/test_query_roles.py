"""Who may read which query is a setting (decision 0009, like C9's command roles):
`<SERVICE>_QUERY_ROLES` replaces the `read_roles` a query model declares for the queries it names;
the runtime checks the configured roles; an unknown query or a bad role id is refused at start-up
naming the setting."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from jetstream_es.identity import Issuer, SigningKey, Verifier
from jetstream_es.roles import QueryRoles, RoleSettingError
from jetstream_es.service import ServiceRuntime
from jetstream_es.service.endpoints import Request, run_query
from jetstream_es.settings import RuntimeSettings
from shop_contracts.envelope import Actor
from shop_contracts.messages import Query

SETTING = "SAMPLE_QUERY_ROLES"
KEY = SigningKey.generate("k1", "shop-issuer")
ISSUER = Issuer(KEY)
VERIFIER = Verifier({"k1": KEY.trusted()})
HR = Actor(id="hr-1", roles=("hr_dept",))
MANAGER = Actor(id="mgr-1", roles=("dept_manager",))


class Ledger(Query):
    read_roles: ClassVar[tuple[str, ...] | None] = ("hr_dept",)
    read_rule: ClassVar[str | None] = "HR-33"
    period: str


async def answer(query: Ledger) -> dict[str, Any]:
    return {"period": query.period}


def asked(actor: Actor, raw: bytes = b'{"period": "2026-03"}') -> Request:
    subject = "sample.queries.Ledger"
    return Request(subject, raw, ISSUER.mint(actor, subject, raw))


def runtime() -> ServiceRuntime:
    service = ServiceRuntime("sample", RuntimeSettings(identity_verify=False), "sqlite+aiosqlite:///:memory:")
    service.query(Ledger, answer)
    return service


async def test_an_override_replaces_who_may_read_a_query_hr_33() -> None:
    roles = QueryRoles.from_setting({"Ledger"}, '{"Ledger": ["dept_manager"]}', setting=SETTING)
    allowed = await run_query(Ledger, answer, asked(MANAGER), VERIFIER, roles=roles)
    assert allowed.ok, allowed
    refused = await run_query(Ledger, answer, asked(HR), VERIFIER, roles=roles)
    assert refused.error is not None
    assert refused.error.code == "forbidden"
    assert refused.error.rule == "HR-33"
    assert refused.error.details == [{"reason": "read_role_required", "roles": ["dept_manager"]}]


async def test_without_an_override_the_models_read_roles_hold_hr_33() -> None:
    roles = QueryRoles.from_setting({"Ledger"}, "", setting=SETTING)
    assert (await run_query(Ledger, answer, asked(HR), VERIFIER, roles=roles)).ok
    refused = await run_query(Ledger, answer, asked(MANAGER), VERIFIER, roles=roles)
    assert refused.error is not None
    assert refused.error.code == "forbidden"


def test_the_runtime_reads_the_configured_roles_instead_of_the_class_default() -> None:
    service = runtime()
    assert service.read_roles(Ledger) == ("hr_dept",)
    service.configure_query_roles({"Ledger": ["dept_manager", "hr_dept"]}, setting=SETTING)
    assert service.read_roles(Ledger) == ("dept_manager", "hr_dept")
    assert Ledger.read_roles == ("hr_dept",)


def test_an_unknown_query_is_refused_at_start_up_naming_the_setting() -> None:
    with pytest.raises(RoleSettingError, match=r"SAMPLE_QUERY_ROLES: Payslips: no such query here.*Ledger"):
        runtime().configure_query_roles('{"Payslips": ["hr_dept"]}', setting=SETTING)


def test_health_is_no_query_the_setting_may_name() -> None:
    with pytest.raises(RoleSettingError, match="SAMPLE_QUERY_ROLES: Health"):
        runtime().configure_query_roles({"Health": ["operator"]}, setting=SETTING)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ('{"Ledger": ["Not A Role"]}', "are not role ids"),
        ('{"Ledger": []}', "name at least one role"),
        ('{"Ledger": "hr_dept"}', "give a list of role ids"),
        ('["Ledger"]', "give a JSON object query -> roles"),
        ("{", "not JSON"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting(raw: str, problem: str) -> None:
    with pytest.raises(RoleSettingError, match=SETTING) as caught:
        runtime().configure_query_roles(raw, setting=SETTING)
    assert problem in str(caught.value)
