"""The one provisioning step for streams, consumers and key-value buckets (ARCHITECTURE.md).

Services never create or mutate streams at start-up; they bind to what this step declared.
Run it with `shop-provision` (all installed services) or through `make run`. `shop-provision`
takes its server from `SHOP_NATS_URL`, its credentials from `SHOP_NATS_USER` /
`SHOP_NATS_PASSWORD` (or `SHOP_NATS_CREDS`) and the stream replicas from `SHOP_PROVISION_REPLICAS`
(the container image's provision target is configured this way, deploy/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import api
from nats.js.errors import NotFoundError

from jetstream_es.settings import RuntimeSettings
from shop_contracts.subjects import (
    DLQ_STREAM,
    DLQ_SUBJECTS,
    KEY_STREAMS,
    SERVICES,
    SIM_CLOCK_BUCKET,
    keys_filter,
    stream_name,
)

DUPLICATE_WINDOW_S = 120.0


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    replicas: int = 1
    max_age_s: float = 0.0
    max_msgs_per_subject: int = -1


@dataclass(frozen=True)
class ConsumerSpec:
    stream: str
    durable: str
    filter_subjects: tuple[str, ...]
    ack_wait_s: float = 30.0
    max_ack_pending: int = 1024
    description: str = ""


class ServiceSpec:
    """What an installed service declares: its name and the module that runs it.

    `bootstrap` names the function building the service's runtime (`module:function`, by default
    `<module>.bootstrap:build`); tools load it by name (e.g. to generate the AsyncAPI documents)
    and so never import a service package themselves.

    `consumers` are read from the service's catalogue (decision 0007): its runtime is built (which
    connects nowhere) and asked for `consumer_specs()`, once: nobody lists them by hand.
    """

    def __init__(self, name: str, module: str, bootstrap: str = "") -> None:
        self.name = name
        self.module = module
        self.bootstrap = bootstrap
        self._consumers: tuple[ConsumerSpec, ...] | None = None

    def __repr__(self) -> str:
        return f"ServiceSpec(name={self.name!r}, module={self.module!r}, bootstrap={self.bootstrap!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServiceSpec):
            return NotImplemented
        return (self.name, self.module, self.bootstrap) == (other.name, other.module, other.bootstrap)

    def __hash__(self) -> int:
        return hash((self.name, self.module, self.bootstrap))

    @property
    def consumers(self) -> tuple[ConsumerSpec, ...]:
        """The service's durable consumers, from its built runtime's catalogue (cached)."""
        if self._consumers is None:
            self._consumers = catalogue_consumers(self.load_build())
        return self._consumers

    def load_build(self) -> Callable[..., Any]:
        """The service's `build(runtime_settings)` function, imported by name."""
        target = self.bootstrap or f"{self.module}.bootstrap:build"
        module_name, _, attribute = target.partition(":")
        build: Callable[..., Any] = getattr(importlib.import_module(module_name), attribute or "build")
        return build


def catalogue_consumers(build: Callable[..., Any]) -> tuple[ConsumerSpec, ...]:
    """The consumer specs of the runtime `build(RuntimeSettings())` returns (built, never started)."""
    runtime = build(RuntimeSettings())
    try:
        specs: tuple[ConsumerSpec, ...] = tuple(runtime.consumer_specs())
        return specs
    finally:
        runtime.engine.sync_engine.dispose()


@dataclass
class ProvisionReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def shop_streams(replicas: int = 1) -> list[StreamSpec]:
    streams = [StreamSpec(stream_name(s), (f"{s}.events.>",), replicas) for s in SERVICES]
    streams.append(StreamSpec(DLQ_STREAM, (DLQ_SUBJECTS,), replicas))
    for service, keys in KEY_STREAMS.items():  # a key is replaced, never appended to (erasure)
        streams.append(StreamSpec(keys, (keys_filter(service),), replicas, max_msgs_per_subject=1))
    return streams


def installed_services() -> list[ServiceSpec]:
    """Every service package installed in this environment (entry point group `shop.services`)."""
    specs = []
    for ep in sorted(entry_points(group="shop.services"), key=lambda e: e.name):
        spec = ep.load()
        if not isinstance(spec, ServiceSpec):
            raise TypeError(f"entry point {ep.name} is not a ServiceSpec")
        specs.append(spec)
    return specs


def _stream_config(spec: StreamSpec) -> api.StreamConfig:
    return api.StreamConfig(
        name=spec.name,
        subjects=list(spec.subjects),
        storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS,
        num_replicas=spec.replicas,
        allow_direct=True,
        allow_atomic=True,
        duplicate_window=DUPLICATE_WINDOW_S,
        max_age=spec.max_age_s,
        max_msgs_per_subject=spec.max_msgs_per_subject,
        deny_delete=True,
        deny_purge=spec.name != DLQ_STREAM,
    )


async def provision(
    nc: Client, streams: list[StreamSpec], consumers: list[ConsumerSpec], *, replicas: int = 1
) -> ProvisionReport:
    js = nc.jetstream()
    report = ProvisionReport()
    for spec in streams:
        config = _stream_config(spec)
        try:
            info = await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
            report.created.append(f"stream {spec.name}")
            continue
        current = info.config
        wanted: dict[str, Any] = {
            "subjects": sorted(config.subjects or []),
            "allow_direct": True,
            "allow_atomic": True,
            "duplicate_window": DUPLICATE_WINDOW_S,
        }
        have: dict[str, Any] = {
            "subjects": sorted(current.subjects or []),
            "allow_direct": bool(current.allow_direct),
            "allow_atomic": bool(getattr(current, "allow_atomic", False)),
            "duplicate_window": float(current.duplicate_window or 0),
        }
        if wanted != have:
            await js.update_stream(config)
            report.updated.append(f"stream {spec.name}")
        else:
            report.unchanged.append(f"stream {spec.name}")
    for consumer in consumers:
        filters = list(consumer.filter_subjects)
        consumer_config = api.ConsumerConfig(
            durable_name=consumer.durable,
            description=consumer.description or None,
            ack_policy=api.AckPolicy.EXPLICIT,
            deliver_policy=api.DeliverPolicy.ALL,
            ack_wait=consumer.ack_wait_s,
            max_deliver=-1,
            max_ack_pending=consumer.max_ack_pending,
            filter_subject=filters[0] if len(filters) == 1 else None,
            filter_subjects=filters if len(filters) > 1 else None,
        )
        try:
            await js.consumer_info(consumer.stream, consumer.durable)
            existed = True
        except NotFoundError:
            existed = False
        await js.add_consumer(consumer.stream, consumer_config)
        (report.updated if existed else report.created).append(
            f"consumer {consumer.stream}/{consumer.durable}"
        )
    try:
        await js.key_value(SIM_CLOCK_BUCKET)
        report.unchanged.append(f"kv {SIM_CLOCK_BUCKET}")
    except NotFoundError:
        await js.create_key_value(api.KeyValueConfig(bucket=SIM_CLOCK_BUCKET, history=1, replicas=replicas))
        report.created.append(f"kv {SIM_CLOCK_BUCKET}")
    return report


def connect_options(settings: RuntimeSettings | None = None) -> dict[str, Any]:
    """The credentials of `SHOP_NATS_USER` / `SHOP_NATS_PASSWORD` or `SHOP_NATS_CREDS` as
    `nats.connect` options (none when unset: the embedded server of `make run` has no users)."""
    settings = settings or RuntimeSettings()
    if settings.nats_creds:
        return {"user_credentials": str(settings.nats_creds)}
    if settings.nats_user:
        return {"user": settings.nats_user, "password": settings.nats_password}
    return {}


async def provision_installed(
    url: str, replicas: int = 1, connect_timeout: float = 2.0, **options: Any
) -> ProvisionReport:
    """Declare everything the installed services need on the server(s) at `url` (comma separated);
    `options` go to `nats.connect` (credentials, see `connect_options`)."""
    nc = await nats.connect(
        servers=[u.strip() for u in url.split(",") if u.strip()],
        connect_timeout=connect_timeout,
        max_reconnect_attempts=0,
        allow_reconnect=False,
        **options,
    )
    try:
        consumers = [c for spec in installed_services() for c in spec.consumers]
        return await provision(nc, shop_streams(replicas), consumers, replicas=replicas)
    finally:
        await nc.close()


def main(argv: list[str] | None = None) -> int:
    settings = RuntimeSettings()
    parser = argparse.ArgumentParser(
        description="Declare the shop's streams, consumers and buckets. Credentials from "
        "SHOP_NATS_USER / SHOP_NATS_PASSWORD or SHOP_NATS_CREDS."
    )
    parser.add_argument(
        "--url", default=settings.nats_url, help="NATS server(s), comma separated (SHOP_NATS_URL)"
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=int(os.environ.get("SHOP_PROVISION_REPLICAS", "1")),
        help="stream replicas: 1 on one server, 3 on the cluster (SHOP_PROVISION_REPLICAS)",
    )
    args = parser.parse_args(argv)
    try:
        report = asyncio.run(provision_installed(args.url, args.replicas, **connect_options(settings)))
    except Exception as exc:
        print(f"provisioning failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for kind, names in (
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ):
        for name in names:
            print(f"{kind:9} {name}")
    return 0
