"""Who may read which order query is a setting (decision 0009, like C9's command roles):
`ORDERS_QUERY_ROLES` replaces the `read_roles` a query declares for the queries it names, and the
runtime's query endpoint checks the configured roles; a bad value stops the service at start-up."""

from __future__ import annotations

import pytest

from jetstream_es.roles import RoleSettingError
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.queries import ask_endpoint
from orders.bootstrap import OrdersSettings, build
from shop_contracts.envelope import Actor

from .helpers import ACCOUNT

CLERK = Actor(id="clerk-1", roles=("order_clerk",))
HR = Actor(id="hr-1", roles=("hr_dept",))


def service(query_roles: str = "") -> ServiceRuntime:
    settings = OrdersSettings.model_validate({"query_roles": query_roles, "company_accounts": [ACCOUNT]})
    return build(RuntimeSettings(identity_verify=False), settings)


async def test_an_override_changes_who_may_read_an_order_ord_7() -> None:
    runtime = service('{"GetOrder": ["hr_dept"]}')
    refused = await ask_endpoint(runtime, "GetOrder", {"order_id": "o-1"}, CLERK)
    assert refused.error is not None
    assert refused.error.code == "forbidden"
    assert refused.error.rule == "ORD-7"
    assert refused.error.details == [{"reason": "read_role_required", "roles": ["hr_dept"]}]
    allowed = await ask_endpoint(runtime, "GetOrder", {"order_id": "o-1"}, HR)
    assert allowed.error is None or allowed.error.code != "forbidden", allowed  # past the read check


async def test_without_the_setting_the_declared_readers_read_ord_7() -> None:
    runtime = service()
    refused = await ask_endpoint(runtime, "GetOrder", {"order_id": "o-1"}, HR)
    assert refused.error is not None
    assert refused.error.code == "forbidden"


def test_an_unknown_query_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(RoleSettingError, match=r"ORDERS_QUERY_ROLES: Payroll: no such query here"):
        service('{"Payroll": ["hr_dept"]}')


def test_a_bad_role_id_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="ORDERS_QUERY_ROLES: GetOrder"):
        service('{"GetOrder": ["Not A Role"]}')
