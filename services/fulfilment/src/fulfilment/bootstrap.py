"""The Fulfilment service's composition root: the only module that reads settings.

It builds one runtime (NATS, event store, projection database, clock) on the one stream
`FULFILMENT` and wires both bounded contexts onto it: shipping (FUL-1..FUL-11,
fulfilment/shipping/wiring.py) and the stock ledger (FUL-12..FUL-24, fulfilment/stock/wiring.py).
Every business number is declared once, with its default, bounds and rule, on the contexts'
policies (`ShippingPolicy`, `StockPolicy`, and the shared reporting line of C14 in
fulfilment/warehouse.py); `FulfilmentSettings` inherits both and adds only the infrastructure
settings. Environment prefixes: `FULFILMENT_` for shipping, `FULFILMENT_STOCK_` for the stock
ledger's numbers and the reporting line.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
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

from fulfilment.shipping.adapters.documents import DEFAULT_SETUP, DocumentSetup
from fulfilment.shipping.domain import roles as shipping_roles
from fulfilment.shipping.domain.policy import ShippingPolicy
from fulfilment.shipping.wiring import ShippingService
from fulfilment.stock.domain import roles as stock_roles
from fulfilment.stock.domain.policy import StockPolicy
from fulfilment.stock.wiring import StockService
from fulfilment.warehouse import ROLES_SETTING as SETTING
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.department_calendar import CalendarSettings, DepartmentCalendar, refuse_moved_settings
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import CommandRoles, parse_query_roles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore

NAME = "fulfilment"
ALL_COMMAND_ROLES = {**shipping_roles.COMMAND_ROLES, **stock_roles.COMMAND_ROLES}
"""Every command of the service, both contexts' tables: one setting for both (C9)."""


QUERY_ROLES_SETTING: Final = "FULFILMENT_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)  # consumers come from the built runtime

STOCK_SETTINGS: frozenset[str] = frozenset(StockPolicy.model_fields) - StockPolicy.FROM_ELSEWHERE
"""The fields read with the prefix FULFILMENT_STOCK_ (the stock ledger's and the reporting line)."""
NOT_SETTINGS: frozenset[str] = ShippingPolicy.FROM_ELSEWHERE | StockPolicy.FROM_ELSEWHERE
"""Policy fields that come from elsewhere (the runtime, the department calendar, the roles table)."""


class _Environment(EnvSettingsSource):
    """The environment with one prefix, for some of the fields only."""

    def __init__(self, settings_cls: type[BaseSettings], prefix: str, read: Callable[[str], bool]) -> None:
        super().__init__(settings_cls, env_prefix=prefix)
        self._read = read

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if not self._read(field_name):
            return None, field_name, False
        return super().get_field_value(field, field_name)


class FulfilmentSettings(BaseSettings, ShippingPolicy, StockPolicy):
    """The service's settings: both contexts' policies (inherited, each number declared there once)
    and the infrastructure. `FULFILMENT_<FIELD>` for shipping and the infrastructure,
    `FULFILMENT_STOCK_<FIELD>` for the stock ledger's fields and the reporting line (C14)."""

    model_config = SettingsConfigDict(
        env_prefix="FULFILMENT_", extra="ignore", frozen=False, arbitrary_types_allowed=True
    )

    database_url: str | None = None
    documents_dir: str | None = Field(
        None, description="where RenderDocument writes files when asked to (default <SHOP_VAR_DIR>/documents)"
    )
    seller_name: str = Field(
        DEFAULT_SETUP.seller_name,
        min_length=1,
        description="FUL-1: the seller printed on every invoice (the shop's registered name)",
    )
    seller_tax_id: str = Field(
        "", description="FUL-1: the seller's taxpayer number on the invoice (printed as not set when empty)"
    )
    seller_address: str = Field("", description="FUL-1: the seller's address on the invoice")
    seller_phone: str = Field("", description="FUL-1: the seller's phone on the invoice")
    invoice_tax_rate: Decimal = Field(
        DEFAULT_SETUP.tax_rate,
        ge=0,
        lt=1,
        description="FUL-1: the VAT included in order prices, shown per invoice line (designer default "
        "0.13, the standard rate on goods)",
    )
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command (shipping and stock ledger), a JSON object "
        "command -> roles replacing the defaults of the contexts' domain/roles.py for the commands it names",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            _Environment(settings_cls, "FULFILMENT_", lambda f: f not in STOCK_SETTINGS | NOT_SETTINGS),
            _Environment(settings_cls, "FULFILMENT_STOCK_", lambda f: f in STOCK_SETTINGS),
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
        return CommandRoles.from_setting(ALL_COMMAND_ROLES, value, setting=SETTING).overrides()

    def configured_roles(self) -> CommandRoles:
        """C9: the command -> roles table of both contexts, the defaults with the setting applied."""
        return CommandRoles.configured(ALL_COMMAND_ROLES, self.command_roles, setting=SETTING)

    def document_setup(self, business_tz: str) -> DocumentSetup:
        """What the printed documents need beyond the shipment (FUL-1): zone, seller, tax rate."""
        return DocumentSetup(
            business_tz=business_tz,
            seller_name=self.seller_name,
            seller_tax_id=self.seller_tax_id,
            seller_address=self.seller_address,
            seller_phone=self.seller_phone,
            tax_rate=self.invoice_tax_rate,
        )

    def shipping_policy(self, business_tz: str, calendar: DepartmentCalendar | None = None) -> ShippingPolicy:
        """The shipping numbers as set, with the runtime's zone, the one department calendar (C4,
        holidays: `SHOP_CALENDAR_*`) and the roles table (C9)."""
        numbers = self.model_dump(include=set(ShippingPolicy.model_fields) - ShippingPolicy.FROM_ELSEWHERE)
        return ShippingPolicy.model_validate(
            numbers
            | {
                "business_tz": business_tz,
                "calendar": calendar or CalendarSettings().calendar(),
                "roles": self.configured_roles(),
            }
        )

    def stock_policy(self) -> StockPolicy:
        """The stock ledger's numbers as set, with the roles table (C9)."""
        numbers = self.model_dump(include=set(StockPolicy.model_fields) - StockPolicy.FROM_ELSEWHERE)
        return StockPolicy.model_validate(numbers | {"roles": self.configured_roles()})


def build(
    runtime: RuntimeSettings | None = None,
    settings: FulfilmentSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
    calendar: DepartmentCalendar | None = None,
) -> ServiceRuntime:
    """The service, both contexts on one runtime; `clock`, `store` and `calendar` replace the
    configured ones (tests: FixedClock, InMemoryEventStore, a DepartmentCalendar)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or FulfilmentSettings()
    refuse_moved_settings("FULFILMENT_SHIP_ON_WEEKENDS", "FULFILMENT_HOLIDAYS")
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    documents = Path(settings.documents_dir) if settings.documents_dir else runtime.var_dir / "documents"
    ShippingService(
        service,
        settings.shipping_policy(runtime.business_tz, calendar),
        documents,
        settings.document_setup(runtime.business_tz),
    ).wire()
    StockService(service, settings.stock_policy(), runtime.business_tz).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
