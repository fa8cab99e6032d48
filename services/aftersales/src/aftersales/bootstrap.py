"""The Aftersales service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the service's
endpoints, projections and schedulers onto it.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from jetstream_es.bootstrap import run_service
from jetstream_es.provision import ServiceSpec
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings

NAME = "aftersales"
SPEC = ServiceSpec(name=NAME, module=NAME, consumers=())


class AftersalesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AFTERSALES_", extra="ignore")

    database_url: str | None = None


def build(
    runtime: RuntimeSettings | None = None, settings: AftersalesSettings | None = None
) -> ServiceRuntime:
    runtime = runtime or RuntimeSettings()
    settings = settings or AftersalesSettings()
    return ServiceRuntime(NAME, runtime, runtime.database_url(NAME, settings.database_url))


def main() -> None:
    run_service(NAME, build)
