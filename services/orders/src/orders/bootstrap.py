"""The Orders service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the service's
endpoints, projections, reactions and deadline scheduler onto it. Every business number is a
setting citing its rule (env prefix `ORDERS_`); the transit allowance and the return window of AS-11
are the department's one `SHOP_TRANSIT_DAYS` and `SHOP_RETURN_WINDOW_DAYS`
(jetstream_es.department_calendar), shared with after-sales (`ORDERS_RETURN_WINDOW_DAYS` is refused
at start-up).
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
from orders.domain.policy import OrderNumbers, OrderPolicy
from orders.domain.roles import COMMAND_ROLES, SETTING
from orders.wiring import NAME, OrdersService

QUERY_ROLES_SETTING: Final = "ORDERS_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)
"""Its consumers come from the built runtime's catalogue (decision 0007)."""


class OrdersSettings(BaseSettings, OrderNumbers):
    """`ORDERS_*`: the business numbers of `OrderNumbers` (declared there once, with their rules)
    and the service's infrastructure settings."""

    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore", frozen=False)

    database_url: str | None = None
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command, a JSON object command -> roles replacing the "
        "defaults of orders/domain/roles.py for the commands it names",
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

    def policy(
        self, business_tz: str = "Asia/Shanghai", transit: TransitSettings | None = None
    ) -> OrderPolicy:
        """`transit`: the department's one transit allowance and return window (AS-11,
        `SHOP_TRANSIT_DAYS`, `SHOP_RETURN_WINDOW_DAYS`), shared with after-sales."""
        transit = transit or TransitSettings()
        numbers = self.model_dump(include=set(OrderNumbers.model_fields))
        return OrderPolicy(
            **numbers,
            business_tz=business_tz,
            transit_days=transit.transit_days,
            return_window_days=transit.return_window_days,
            roles=CommandRoles.configured(COMMAND_ROLES, self.command_roles, setting=SETTING),
        )


def build(
    runtime: RuntimeSettings | None = None,
    settings: OrdersSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` replaces the configured one and `store` the JetStream event
    store (tests: FixedClock and InMemoryEventStore, `jetstream_es.testing.app`)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or OrdersSettings()
    refuse_moved_settings(*MOVED_RETURN_WINDOW_SETTINGS, replaced_by=RETURN_WINDOW_SETTING, rule="AS-11")
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    policy = settings.policy(runtime.business_tz)
    OrdersService(service, policy, runtime.business_tz).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
