"""Who may read which identity query is a setting (decision 0009, like C9's command roles):
`IDENTITY_QUERY_ROLES` replaces the `read_roles` a query declares for the queries it names, and the
runtime's query endpoint checks the configured roles (IDN-6 for `ListGrants`); a bad value stops the
service at start-up, naming the setting."""

from __future__ import annotations

import pytest

from identity.bootstrap import IdentitySettings, build
from jetstream_es.roles import RoleSettingError
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.queries import ask_endpoint
from shop_contracts.envelope import Actor
from shop_contracts.queries.identity import ListGrants

DECLARED = Actor(id="reader-1", roles=(ListGrants.read_roles or ())[:1])
NEW = Actor(id="reader-2", roles=("cashier",))
BODY = {}


def service(query_roles: str = "") -> ServiceRuntime:
    return build(
        RuntimeSettings(identity_verify=False), IdentitySettings.model_validate({"query_roles": query_roles})
    )


async def test_an_override_changes_who_may_read_the_grants_idn_6() -> None:
    runtime = service('{"ListGrants": ["cashier"]}')
    refused = await ask_endpoint(runtime, "ListGrants", BODY, DECLARED)
    assert refused.error is not None
    assert refused.error.code == "forbidden"
    assert refused.error.rule == "IDN-6"
    assert refused.error.details == [{"reason": "read_role_required", "roles": ["cashier"]}]
    allowed = await ask_endpoint(runtime, "ListGrants", BODY, NEW)
    assert allowed.error is None or allowed.error.code != "forbidden", allowed  # past the read check


async def test_without_the_setting_the_declared_readers_read_idn_6() -> None:
    runtime = service()
    refused = await ask_endpoint(runtime, "ListGrants", BODY, NEW)
    assert refused.error is not None
    assert refused.error.code == "forbidden"
    allowed = await ask_endpoint(runtime, "ListGrants", BODY, DECLARED)
    assert allowed.error is None or allowed.error.code != "forbidden", allowed


def test_an_unknown_query_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(RoleSettingError, match=r"IDENTITY_QUERY_ROLES: NoSuchQuery: no such query here"):
        service('{"NoSuchQuery": ["cashier"]}')


def test_a_bad_role_id_stops_the_service_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="IDENTITY_QUERY_ROLES: ListGrants"):
        service('{"ListGrants": ["Not A Role"]}')
