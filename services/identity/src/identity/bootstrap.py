"""The identity service's composition root: the only module that reads settings (env prefix
`IDENTITY_`).

`IDENTITY_GRANTORS` (IDN-1) is the JSON object grantor role -> roles it may grant; unset, the
documented default of `identity.domain.policy` (`dept_supervisor` the department's roles, `hr_dept`
the HR-side roles, `identity_admin` anything). A malformed table is refused at start-up naming the
setting. The first administrator is granted by the `shop-setup` program (IDN-7,
docs/services/identity.md).
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from identity.domain.policy import GrantorPolicy
from identity.wiring import NAME, IdentityService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import parse_query_roles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore

QUERY_ROLES_SETTING: Final = "IDENTITY_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)
"""Its consumers come from the built runtime's catalogue (decision 0007)."""


class IdentitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore")

    database_url: str | None = None
    grantors: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=lambda: GrantorPolicy.default().as_setting(),
        description='IDN-1: who may grant which role, a JSON object grantor role -> roles ("*": any); '
        "the default is identity/domain/policy.py's DEFAULT_GRANTORS",
    )

    query_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="decision 0009: who may read which query, a JSON object query -> roles replacing the "
        "read_roles its query model declares (shop_contracts) for the queries it names",
    )

    @field_validator("query_roles", mode="before")
    @classmethod
    def _query_roles(cls, value: object) -> dict[str, list[str]]:
        return parse_query_roles(value, setting=QUERY_ROLES_SETTING)

    @field_validator("grantors", mode="before")
    @classmethod
    def _grantors(cls, value: object) -> dict[str, list[str]]:
        return GrantorPolicy.from_setting(value).as_setting()

    def policy(self) -> GrantorPolicy:
        return GrantorPolicy.from_setting(self.grantors)


def build(
    runtime: RuntimeSettings | None = None,
    settings: IdentitySettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` and `store` replace the configured ones (tests: FixedClock,
    InMemoryEventStore, `jetstream_es.testing.app`)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or IdentitySettings()
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    IdentityService(service, settings.policy()).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
