"""Process entry for a service: configure logging, build the runtime, run until a signal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from jetstream_es.logging import configure_logging
from jetstream_es.service.runtime import ServiceRuntime
from jetstream_es.settings import RuntimeSettings


def run_service(name: str, build: Callable[[RuntimeSettings], ServiceRuntime]) -> None:
    runtime = RuntimeSettings()
    configure_logging(name, runtime.log_level, runtime.log_json)
    service = build(runtime)
    asyncio.run(service.run())
