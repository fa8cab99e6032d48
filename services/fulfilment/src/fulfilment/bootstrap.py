"""The Fulfilment service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the shipping
side (FUL-1..FUL-11) and the stock ledger (FUL-12..FUL-24) onto it. Every business number is a
setting citing its rule (env prefixes `FULFILMENT_` and `FULFILMENT_STOCK_`).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from fulfilment.shipping.adapters.documents import DEFAULT_SETUP, DocumentSetup
from fulfilment.shipping.domain import roles as shipping_roles
from fulfilment.shipping.domain.policy import DAILY_REPORT_ROLE, DEFAULT_PREFIXES, ShippingPolicy
from fulfilment.shipping.wiring import ShippingService
from fulfilment.stock.domain import roles as stock_roles
from fulfilment.stock.domain.policy import StockPolicy
from fulfilment.stock.wiring import StockService
from fulfilment.warehouse import ROLES_SETTING as SETTING
from fulfilment.warehouse import WAREHOUSE_REPORT_RECIPIENTS
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.department_calendar import (
    CalendarSettings,
    DepartmentCalendar,
    refuse_moved_settings,
)
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import ROLE_ID, CommandRoles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore

NAME = "fulfilment"
ALL_COMMAND_ROLES = {**shipping_roles.COMMAND_ROLES, **stock_roles.COMMAND_ROLES}
"""Every command of the service, both contexts' tables: one setting for both (C9)."""


def _role_ids(setting: str, roles: list[str]) -> list[str]:
    bad = [role for role in roles if not ROLE_ID.match(role)]
    if bad:
        raise ValueError(f"{setting}: {bad} are not role ids (lower case letters, digits and _)")
    if not roles:
        raise ValueError(f"{setting}: name at least one role (C14); nobody would be told otherwise")
    return roles


SPEC = ServiceSpec(name=NAME, module=NAME)  # consumers come from the built runtime


class FulfilmentSettings(BaseSettings):
    """Shipping settings (FUL-1..FUL-11)."""

    model_config = SettingsConfigDict(env_prefix="FULFILMENT_", extra="ignore")

    database_url: str | None = None
    cutoff: time = Field(
        time(14, 0),
        description="FUL-2: the daily report is made at this local time; orders eligible from it on "
        "go to the next shipping day",
    )
    document_prefixes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_PREFIXES),
        description="FUL-1: number prefix per document series (report, waybill, outbound_note, invoice)",
    )
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
    daily_report_to_role: str = Field(
        DAILY_REPORT_ROLE,
        description="FUL-7 (C14, 000): the role the filled daily shipping report is submitted to",
    )

    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command (shipping and stock ledger), a JSON object "
        "command -> roles replacing the defaults of fulfilment/domain/roles.py for the commands it names",
    )

    @field_validator("daily_report_to_role")
    @classmethod
    def _daily_role(cls, value: str) -> str:
        return _role_ids("FULFILMENT_DAILY_REPORT_TO_ROLE", [value])[0]

    @field_validator("command_roles", mode="before")
    @classmethod
    def _command_roles(cls, value: object) -> dict[str, list[str]]:
        return CommandRoles.from_setting(ALL_COMMAND_ROLES, value, setting=SETTING).overrides()

    def roles(self) -> CommandRoles:
        """C9: the command -> roles table of both sides, the defaults with the setting applied."""
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

    def policy(
        self,
        business_tz: str,
        report_recipients: tuple[str, ...],
        calendar: DepartmentCalendar | None = None,
    ) -> ShippingPolicy:
        """`report_recipients`: the warehouse's one reporting line (C14), from the stock settings;
        `calendar`: the one department calendar (C4, holidays: `SHOP_CALENDAR_*`)."""
        return ShippingPolicy(
            cutoff=self.cutoff,
            business_tz=business_tz,
            calendar=calendar or CalendarSettings().calendar(),
            prefixes={**DEFAULT_PREFIXES, **self.document_prefixes},
            report_recipients=report_recipients,
            daily_report_role=self.daily_report_to_role,
            roles=self.roles(),
        )


class StockSettings(BaseSettings):
    """Stock ledger settings (FUL-12..FUL-24)."""

    model_config = SettingsConfigDict(env_prefix="FULFILMENT_STOCK_", extra="ignore")

    accept_mismatched_inbound: bool = Field(
        True,
        description="FUL-12: a delivery that does not match its note may be received with the mismatch "
        "recorded (true), or must be refused with RejectInbound (false)",
    )
    report_recipients: list[str] = Field(
        default_factory=lambda: list(WAREHOUSE_REPORT_RECIPIENTS),
        description="FUL-4, FUL-5, FUL-12, FUL-14, FUL-15, FUL-19 (C14, 002): the roles the whole warehouse "
        "reports to: refused outbounds, missing accessories, inbound mismatches, discrepancies, stocktakes, "
        "anomalies and the monthly report (JSON list; each role sees them in ListNotices)",
    )

    @field_validator("report_recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        return _role_ids("FULFILMENT_STOCK_REPORT_RECIPIENTS", value)

    check_points: list[str] = Field(
        default_factory=lambda: ["before_work", "after_work"],
        description="FUL-19: the keeper's daily checks (JSON list)",
    )

    def policy(self, roles: CommandRoles | None = None) -> StockPolicy:
        """`roles`: who may issue which command (C9), from FULFILMENT_COMMAND_ROLES (FulfilmentSettings)."""
        return StockPolicy(
            roles=stock_roles.DEFAULT_ROLES if roles is None else roles,
            accept_mismatched_inbound=self.accept_mismatched_inbound,
            report_recipients=tuple(self.report_recipients),
            check_points=tuple(self.check_points),
        )


def build(
    runtime: RuntimeSettings | None = None,
    settings: FulfilmentSettings | None = None,
    stock: StockSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
    calendar: DepartmentCalendar | None = None,
) -> ServiceRuntime:
    """The service, both contexts on one runtime; `clock`, `store` and `calendar` replace the
    configured ones (tests: FixedClock, InMemoryEventStore, a DepartmentCalendar)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or FulfilmentSettings()
    stock = stock or StockSettings()
    refuse_moved_settings("FULFILMENT_SHIP_ON_WEEKENDS", "FULFILMENT_HOLIDAYS")
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    documents = Path(settings.documents_dir) if settings.documents_dir else runtime.var_dir / "documents"
    ShippingService(
        service,
        settings.policy(runtime.business_tz, tuple(stock.report_recipients), calendar),
        documents,
        settings.document_setup(runtime.business_tz),
    ).wire()
    StockService(service, stock.policy(settings.roles()), runtime.business_tz).wire()
    return service


def main() -> None:
    run_service(NAME, build)
