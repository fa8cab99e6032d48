"""Who may read which aftersales query is a setting (decision 0009, like C9's command roles):
`AFTERSALES_QUERY_ROLES` replaces the `read_roles` a query declares for the queries it names, and the
runtime's query endpoint checks the configured roles (AS-2 for `GetRefundCase`); a bad value stops the
service at start-up, naming the setting."""

from __future__ import annotations

import pytest

from aftersales.bootstrap import AftersalesSettings, build
from jetstream_es.roles import RoleSettingError
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.queries import ask_endpoint
from shop_contracts.envelope import Actor
from shop_contracts.queries.aftersales import GetRefundCase

DECLARED = Actor(id="reader-1", roles=(GetRefundCase.read_roles or ())[:1])
NEW = Actor(id="reader-2", roles=("hr_dept",))
BODY = {"case_id": "rc-1"}


def service(query_roles: str = "") -> ServiceRuntime:
    return build(
        RuntimeSettings(identity_verify=False),
        AftersalesSettings.model_validate({"query_roles": query_roles}),
    )


async def test_an_override_changes_who_may_read_a_refund_case_as_2() -> None:
    runtime = service('{"GetRefundCase": ["hr_dept"]}')
    refused = await ask_endpoint(runtime, "GetRefundCase", BODY, DECLARED)
    assert refused.error is not None
    assert refused.error.code == "forbidden"
    assert refused.error.rule == "AS-2"
    assert refused.error.details == [{"reason": "read_role_required", "roles": ["hr_dept"]}]
    allowed = await ask_endpoint(runtime, "GetRefundCase", BODY, NEW)
    assert allowed.error is None or allowed.error.code != "forbidden", allowed  # past the read check


async def test_without_the_setting_the_declared_readers_read_as_2() -> None:
    runtime = service()
    refused = await ask_endpoint(runtime, "GetRefundCase", BODY, NEW)
    assert refused.error is not None
    assert refused.error.code == "forbidden"
    allowed = await ask_endpoint(runtime, "GetRefundCase", BODY, DECLARED)
    assert allowed.error is None or allowed.error.code != "forbidden", allowed


def test_an_unknown_query_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(RoleSettingError, match=r"AFTERSALES_QUERY_ROLES: NoSuchQuery: no such query here"):
        service('{"NoSuchQuery": ["hr_dept"]}')


def test_a_bad_role_id_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="AFTERSALES_QUERY_ROLES: GetRefundCase"):
        service('{"GetRefundCase": ["Not A Role"]}')
