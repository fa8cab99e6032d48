"""The HR service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires both contexts
onto it: time (`hr.time.wiring`) and people (`hr.people.wiring`), one service on one stream. Every
business number is declared once, with its default, bounds and rule, on its context's policy
(`hr.time.domain.policy`, `hr.people.domain.policy`); `HrSettings` inherits them all (env prefix
`HR_`, e.g. `HR_DISMISSAL_CONSECUTIVE_DAYS=3`; list and table settings are JSON, e.g.
`HR_ABSENCE_FINES='[100, 300]'`).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from pydantic import Field, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from hr.people.adapters.keys import EmployeeKeys
from hr.people.domain.policy import DisciplinePolicy, PayrollPolicy, PeoplePolicies, PeoplePolicy
from hr.people.domain.roles import PEOPLE_ROLES
from hr.people.wiring import PeopleService
from hr.shared.roles import SETTING
from hr.time.domain.duty import DutyPolicy
from hr.time.domain.policy import (
    AttendancePolicy,
    AttestedTimePolicy,
    LadderPolicy,
    LeavePolicy,
    OvertimePolicy,
    TimePolicy,
)
from hr.time.domain.roles import COMMAND_ROLES
from hr.time.wiring import NAME, TimeService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.department_calendar import CalendarSettings, DepartmentCalendar, refuse_moved_settings
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import CommandRoles, parse_query_roles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore

QUERY_ROLES_SETTING: Final = "HR_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)

COMMAND_TABLE: Final = {**COMMAND_ROLES, **PEOPLE_ROLES}
"""C9: every HR command's default roles, the two contexts' tables as one for the setting
`HR_COMMAND_ROLES`, which replaces the roles of the commands it names."""

NOT_SETTINGS: Final = AttendancePolicy.FROM_ELSEWHERE | PayrollPolicy.FROM_ELSEWHERE
"""Policy fields that are no `HR_` setting: the department calendar (C4) and the roles table (C9)."""


class _Environment(EnvSettingsSource):
    """The `HR_` environment, for the settings only (never a policy field from elsewhere)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in NOT_SETTINGS:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class HrSettings(
    BaseSettings,
    LadderPolicy,
    LeavePolicy,
    AttendancePolicy,
    OvertimePolicy,
    AttestedTimePolicy,
    DutyPolicy,
    PeoplePolicy,
    DisciplinePolicy,
    PayrollPolicy,
):
    """The service's settings: both contexts' policies (inherited: each number is declared there
    once) and the infrastructure."""

    model_config = SettingsConfigDict(env_prefix="HR_", extra="ignore", frozen=False)

    database_url: str | None = None
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command, a JSON object command -> roles replacing the defaults "
        "of hr/time/domain/roles.py and hr/people/domain/roles.py (one table for every HR command) for "
        "the commands it names",
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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _Environment(settings_cls), dotenv_settings, file_secret_settings

    @field_validator("command_roles", mode="before")
    @classmethod
    def _command_roles(cls, value: object) -> dict[str, list[str]]:
        return CommandRoles.from_setting(COMMAND_TABLE, value, setting=SETTING).overrides()

    def configured_roles(self) -> CommandRoles:
        """C9: every HR command's roles, the defaults with HR_COMMAND_ROLES applied."""
        return CommandRoles.configured(COMMAND_TABLE, self.command_roles, setting=SETTING)

    def _numbers(self, policy: type[Any]) -> dict[str, Any]:
        return self.model_dump(include=set(policy.model_fields) - NOT_SETTINGS)

    def policy(self, business_tz: str, calendar: DepartmentCalendar | None = None) -> TimePolicy:
        """The time context's policies; `calendar`: the one department calendar (C4:
        SHOP_CALENDAR_REST_WEEKDAYS)."""
        calendar = calendar or CalendarSettings().calendar()
        return TimePolicy(
            ladder=LadderPolicy.model_validate(self._numbers(LadderPolicy)),
            leave=LeavePolicy.model_validate(self._numbers(LeavePolicy)),
            attendance=AttendancePolicy.model_validate(
                self._numbers(AttendancePolicy) | {"calendar": calendar}
            ),
            overtime=OvertimePolicy.model_validate(self._numbers(OvertimePolicy)),
            attested=AttestedTimePolicy.model_validate(self._numbers(AttestedTimePolicy)),
            duty=DutyPolicy.model_validate(self._numbers(DutyPolicy)),
            business_tz=business_tz,
            roles=self.configured_roles(),
        )

    def policies(self, calendar: DepartmentCalendar | None = None) -> PeoplePolicies:
        """The people context's policies; `calendar`: the one department calendar (HR-34:
        SHOP_CALENDAR_HOLIDAYS, banking weekdays)."""
        calendar, roles = calendar or CalendarSettings().calendar(), self.configured_roles()
        return PeoplePolicies(
            roles=roles,
            people=PeoplePolicy.model_validate(self._numbers(PeoplePolicy)),
            discipline=DisciplinePolicy.model_validate(self._numbers(DisciplinePolicy)),
            payroll=PayrollPolicy.model_validate(
                self._numbers(PayrollPolicy) | {"calendar": calendar, "roles": roles}
            ),
        )


def build(
    runtime: RuntimeSettings | None = None,
    settings: HrSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
    calendar: DepartmentCalendar | None = None,
    keys: EmployeeKeys | None = None,
) -> ServiceRuntime:
    """The service, both contexts wired onto one runtime (one service, one stream): time
    (attendance, leave, rota, overtime) and people (employees, discipline, payroll). `clock`,
    `store`, `calendar` (SHOP_CALENDAR_*, C4) and `keys` (HR's key stream, decision 0006) replace
    the configured ones (tests: FixedClock, InMemoryEventStore, a calendar, SQL keys)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or HrSettings()
    refuse_moved_settings("HR_REST_WEEKDAYS", "HR_HOLIDAYS")
    calendar = calendar or CalendarSettings().calendar()
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    policy = settings.policy(runtime.business_tz, calendar)
    TimeService(service, policy).wire()
    unpaid = frozenset(str(t) for t in policy.leave.unpaid_types)
    PeopleService(service, settings.policies(calendar), policy.business_tz, unpaid, keys).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
