"""The KPI service's composition root: the only module that reads settings (env prefix `KPI_`).

- `KPI_POLICY__...`: the business numbers of `kpi.domain.policy.KpiPolicy` (nested with `__`,
  e.g. `KPI_POLICY__PERFORMANCE__FULL_AMOUNT=500`, `KPI_POLICY__REVIEW_CYCLE=quarterly`), each
  with its rule id and documented default.
- `KPI_COMMAND_ROLES` (C9 style): who may issue which command, a JSON object command -> roles
  replacing the defaults of `kpi.domain.roles`.
- `KPI_QUERY_ROLES` (decision 0009): who may read which query.
- `SHOP_CALENDAR_*`: the department calendar (C4), whose working days have a daily report (KPI-8).
A malformed value is refused at start-up naming the setting.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.department_calendar import CalendarSettings, DepartmentCalendar
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import CommandRoles, parse_query_roles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore
from kpi.domain.policy import KpiPolicy
from kpi.domain.roles import COMMAND_ROLES, SETTING
from kpi.wiring import NAME, KpiService

QUERY_ROLES_SETTING: Final = "KPI_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)
"""Its consumers come from the built runtime's catalogue (decision 0007)."""


class KpiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KPI_", env_nested_delimiter="__", extra="ignore")

    database_url: str | None = None
    business_tz: str = Field(
        default="Asia/Shanghai", description="the business time zone (days, months, due times)"
    )
    policy: KpiPolicy = Field(default_factory=KpiPolicy, description="KPI-1..KPI-13: the business numbers")
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command, a JSON object command -> roles (defaults in kpi/domain/roles.py)",
    )
    query_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="decision 0009: who may read which query, a JSON object query -> roles replacing the "
        "read_roles its query model declares (shop_contracts.queries.kpi)",
    )

    @field_validator("command_roles", mode="before")
    @classmethod
    def _command_roles(cls, value: object) -> dict[str, list[str]]:
        return CommandRoles.from_setting(COMMAND_ROLES, value, setting=SETTING).overrides()

    @field_validator("query_roles", mode="before")
    @classmethod
    def _query_roles(cls, value: object) -> dict[str, list[str]]:
        return parse_query_roles(value, setting=QUERY_ROLES_SETTING)

    def kpi_policy(self) -> KpiPolicy:
        roles = CommandRoles.configured(COMMAND_ROLES, self.command_roles, setting=SETTING)
        return self.policy.model_copy(update={"roles": roles})


def build(
    runtime: RuntimeSettings | None = None,
    settings: KpiSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
    calendar: DepartmentCalendar | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` and `store` replace the configured ones (tests: FixedClock,
    InMemoryEventStore, `jetstream_es.testing.app`); `calendar` the department calendar of
    `SHOP_CALENDAR_*` (C4: which days have a daily report, KPI-8)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or KpiSettings()
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    calendar = calendar or CalendarSettings().calendar()
    KpiService(service, settings.kpi_policy(), settings.business_tz, calendar).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
