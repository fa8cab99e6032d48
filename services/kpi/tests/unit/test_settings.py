"""The KPI service's settings (bootstrap.py): `KPI_QUERY_ROLES` (decision 0009) and
`KPI_COMMAND_ROLES` (C9) replace the defaults of the entries they name, `KPI_POLICY__...` the
business numbers; a bad value stops the service at start-up naming the setting and the rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from jetstream_es.errors import Forbidden
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.roles import RoleSettingError
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.queries import ask_endpoint
from kpi.bootstrap import KpiSettings, build
from kpi.domain.policy import ReviewCycle
from shop_contracts.envelope import Actor
from shop_contracts.events.kpi import Position

from .helpers import Kpi, target

CASHIER = Actor(id="cash-1", roles=("cashier",))
MANAGER = Actor(id="mgr-1", roles=("dept_manager",))


def service(**settings: str) -> ServiceRuntime:
    return build(
        RuntimeSettings(identity_verify=False),
        KpiSettings.model_validate(settings),
        store=InMemoryEventStore("kpi"),
    )


async def test_kpi_query_roles_change_who_reads_the_month_pay_kpi_2() -> None:
    runtime = service(query_roles='{"MonthPay": ["cashier"]}')
    try:
        refused = await ask_endpoint(runtime, "MonthPay", {"month": "2026-04"}, MANAGER)
        assert refused.error is not None
        assert refused.error.code == "forbidden"
        assert refused.error.rule == "KPI-2"
        allowed = await ask_endpoint(runtime, "MonthPay", {"month": "2026-04"}, CASHIER)
        assert allowed.error is None or allowed.error.code != "forbidden", allowed
    finally:
        runtime.engine.sync_engine.dispose()


def test_an_unknown_query_or_command_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(RoleSettingError, match="KPI_QUERY_ROLES: NoSuchQuery"):
        service(query_roles='{"NoSuchQuery": ["cashier"]}')
    with pytest.raises(ValidationError, match="KPI_COMMAND_ROLES: NoSuchCommand"):
        KpiSettings.model_validate({"command_roles": '{"NoSuchCommand": ["cashier"]}'})


async def test_kpi_command_roles_change_who_sets_targets_kpi_5() -> None:
    k = Kpi(KpiSettings.model_validate({"command_roles": '{"SetMonthlyTarget": ["cs_supervisor"]}'}))
    with pytest.raises(Forbidden):
        await k.app.when(target("p-1", 10000))
    lead = Actor(id="cs-lead", roles=("cs_supervisor",))
    await k.app.when(
        target("cs-1", 5000, position=Position.CUSTOMER_SERVICE).model_copy(update={"actor": lead})
    )
    assert k.app.types("2026-04") == ["MonthlyTargetSet"]


def test_policy_numbers_come_from_nested_environment_variables_c6_c7(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_POLICY__REVIEW_CYCLE", "quarterly")
    monkeypatch.setenv("KPI_POLICY__PERFORMANCE__FULL_AMOUNT", "600")
    monkeypatch.setenv("KPI_POLICY__TARGET_CUTOFF_DAY", "28")
    policy = KpiSettings().kpi_policy()
    assert policy.review_cycle is ReviewCycle.QUARTERLY
    assert policy.performance.full_amount == 600
    assert policy.target_cutoff_day == 28


def test_bad_numbers_are_refused_naming_the_setting_and_rule_kpi_2_kpi_7() -> None:
    with pytest.raises(ValidationError, match="PROMOTER_BONUS"):
        KpiSettings.model_validate({"policy": {"performance": {"promoter_bonus_default": 120}}})
    with pytest.raises(ValidationError, match="KPI-7"):
        KpiSettings.model_validate({"policy": {"artist_weights": {"marketing_design": 50}}})
