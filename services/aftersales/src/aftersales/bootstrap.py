"""The Aftersales service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the service's
endpoints, projections and reactions onto it. Every business number is a setting citing its rule
(env prefix `AFTERSALES_`); the transit allowance and the quality return window of AS-11 are the
department's one `SHOP_TRANSIT_DAYS` and `SHOP_RETURN_WINDOW_DAYS`, shared with orders (the old
`AFTERSALES_TRANSIT_DAYS` and `AFTERSALES_QUALITY_WINDOW_DAYS` are refused at start-up).
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from aftersales.customers.wiring import CustomersContext
from aftersales.refunds.wiring import RefundsContext
from aftersales.shared.policy import AftersalesNumbers, AftersalesPolicy, check_escalation_role
from aftersales.shared.roles import COMMAND_ROLES, SETTING
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.department_calendar import (
    MOVED_RETURN_WINDOW_SETTINGS,
    RETURN_WINDOW_SETTING,
    TransitSettings,
    refuse_moved_settings,
)
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import CommandRoles, parse_query_roles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore

NAME = "aftersales"
QUERY_ROLES_SETTING: Final = "AFTERSALES_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)  # consumers come from the built runtime


class AftersalesSettings(BaseSettings, AftersalesNumbers):
    """`AFTERSALES_*`: the business numbers of `AftersalesNumbers` (declared there once, with their
    rules) and the service's infrastructure settings."""

    model_config = SettingsConfigDict(env_prefix="AFTERSALES_", extra="ignore", frozen=False)

    database_url: str | None = None
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command, a JSON object command -> roles replacing the "
        "defaults of aftersales/shared/roles.py (000: the department supervisor decides and refunds) for the "
        "commands it names; roles.SERVICE_DEPARTMENT_001 is 001's separate after-sales service department",
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

    @field_validator("command_roles", mode="before")
    @classmethod
    def _command_roles(cls, value: object) -> dict[str, list[str]]:
        return CommandRoles.from_setting(COMMAND_ROLES, value, setting=SETTING).overrides()

    def policy(self, transit: TransitSettings | None = None) -> AftersalesPolicy:
        """`transit`: the department's one transit allowance and return window (AS-11,
        `SHOP_TRANSIT_DAYS`, `SHOP_RETURN_WINDOW_DAYS`), shared with orders."""
        transit = transit or TransitSettings()
        return AftersalesPolicy(
            **self.model_dump(include=set(AftersalesNumbers.model_fields)),
            transit_days=transit.transit_days,
            return_window_days=transit.return_window_days,
            roles=CommandRoles.configured(COMMAND_ROLES, self.command_roles, setting=SETTING),
        )

    @model_validator(mode="after")
    def _escalation_role_resolves(self) -> AftersalesSettings:
        """AS-19: an escalated complaint goes to a role that may resolve it; refused at start-up."""
        roles = CommandRoles.configured(COMMAND_ROLES, self.command_roles, setting=SETTING)
        if self.escalation_role is not None:
            check_escalation_role(self.escalation_role, roles)
        return self


class AftersalesService:
    """Both contexts on one runtime: the refund context (SM-RET) and the customer context (SM-CMP,
    SM-CUST-FLAG), wired in that order."""

    def __init__(self, runtime: ServiceRuntime, policy: AftersalesPolicy, business_tz: str) -> None:
        self.refunds = RefundsContext(runtime, policy, business_tz)
        self.customers = CustomersContext(runtime, policy)

    def wire(self) -> None:
        self.refunds.wire()
        self.customers.wire()


def build(
    runtime: RuntimeSettings | None = None,
    settings: AftersalesSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` and `store` replace the configured ones (tests: FixedClock,
    InMemoryEventStore)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or AftersalesSettings()
    refuse_moved_settings("AFTERSALES_TRANSIT_DAYS", replaced_by="SHOP_TRANSIT_DAYS", rule="AS-11")
    refuse_moved_settings(*MOVED_RETURN_WINDOW_SETTINGS, replaced_by=RETURN_WINDOW_SETTING, rule="AS-11")
    database_url = runtime.database_url(NAME, settings.database_url)
    service = ServiceRuntime(NAME, runtime, database_url, clock=clock, store=store)
    AftersalesService(service, settings.policy(), runtime.business_tz).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
