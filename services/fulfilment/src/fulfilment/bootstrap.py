"""The Fulfilment service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the shipping
side (FUL-1..FUL-11) and the stock ledger (FUL-12..FUL-24) onto it. Every business number is a
setting citing its rule (env prefixes `FULFILMENT_` and `FULFILMENT_STOCK_`).
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from fulfilment.domain.stock_policy import StockPolicy
from fulfilment.entrypoints.stock_wiring import STOCK_CONSUMERS, StockService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.provision import ServiceSpec
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings

NAME = "fulfilment"
SPEC = ServiceSpec(name=NAME, module=NAME, consumers=(*STOCK_CONSUMERS.values(),))


class FulfilmentSettings(BaseSettings):
    """Shipping settings (FUL-1..FUL-11)."""

    model_config = SettingsConfigDict(env_prefix="FULFILMENT_", extra="ignore")

    database_url: str | None = None


class StockSettings(BaseSettings):
    """Stock ledger settings (FUL-12..FUL-24)."""

    model_config = SettingsConfigDict(env_prefix="FULFILMENT_STOCK_", extra="ignore")

    def policy(self) -> StockPolicy:
        return StockPolicy()


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
    StockService(service, stock.policy(), runtime.business_tz, runtime.aggregate_cache_size).wire()
    return service


def main() -> None:
    run_service(NAME, build)
