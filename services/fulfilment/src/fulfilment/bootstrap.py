"""The Fulfilment service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the shipping
side (FUL-1..FUL-11) and the stock ledger (FUL-12..FUL-24) onto it. Every business number is a
setting citing its rule (env prefixes `FULFILMENT_` and `FULFILMENT_STOCK_`).
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from fulfilment.domain.policy import DEFAULT_PREFIXES, ShippingPolicy
from fulfilment.domain.stock_policy import StockPolicy
from fulfilment.entrypoints.stock_wiring import STOCK_CONSUMERS, StockService
from fulfilment.entrypoints.wiring import CONSUMERS, ShippingService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.provision import ServiceSpec
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings

NAME = "fulfilment"
SPEC = ServiceSpec(name=NAME, module=NAME, consumers=(*CONSUMERS.values(), *STOCK_CONSUMERS.values()))


class FulfilmentSettings(BaseSettings):
    """Shipping settings (FUL-1..FUL-11)."""

    model_config = SettingsConfigDict(env_prefix="FULFILMENT_", extra="ignore")

    database_url: str | None = None
    cutoff: time = Field(
        time(14, 0),
        description="FUL-2: the daily report is made at this local time; orders eligible from it on "
        "go to the next shipping day",
    )
    ship_on_weekends: bool = Field(
        True, description="FUL-2, C4: Saturdays and Sundays are shipping days (000: staff work Mon-Sun)"
    )
    holidays: list[date] = Field(
        default_factory=list,
        description="FUL-2: dates without shipping (JSON list); their orders go to the next shipping day",
    )
    document_prefixes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_PREFIXES),
        description="FUL-1: number prefix per document series (report, waybill, outbound_note, invoice)",
    )
    documents_dir: str | None = Field(
        None, description="where RenderDocument writes files when asked to (default <SHOP_VAR_DIR>/documents)"
    )

    def policy(self, business_tz: str) -> ShippingPolicy:
        return ShippingPolicy(
            cutoff=self.cutoff,
            business_tz=business_tz,
            ship_on_weekends=self.ship_on_weekends,
            holidays=frozenset(self.holidays),
            prefixes={**DEFAULT_PREFIXES, **self.document_prefixes},
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
        default_factory=lambda: ["ops_director", "store_manager"],
        description="FUL-12, FUL-14, FUL-15, FUL-19 (C14): who receives warehouse exception, stocktake and "
        "monthly reports (JSON list)",
    )
    check_points: list[str] = Field(
        default_factory=lambda: ["before_work", "after_work"],
        description="FUL-19: the keeper's daily checks (JSON list)",
    )

    def policy(self) -> StockPolicy:
        return StockPolicy(
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
) -> ServiceRuntime:
    """The service, wired; `clock` replaces the configured one (tests, FixedClock)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or FulfilmentSettings()
    stock = stock or StockSettings()
    service = ServiceRuntime(NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock)
    documents = Path(settings.documents_dir) if settings.documents_dir else runtime.var_dir / "documents"
    ShippingService(
        service, settings.policy(runtime.business_tz), runtime.aggregate_cache_size, documents
    ).wire()
    StockService(service, stock.policy(), runtime.business_tz, runtime.aggregate_cache_size).wire()
    return service


def main() -> None:
    run_service(NAME, build)
