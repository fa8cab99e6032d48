"""`shopctl migrate accessories` (FUL-4, AS-7, decision 0011) against a real nats-server and the
catalogue service: fulfilment's legacy lists become the catalogue's, once, a SKU the catalogue has
not selected is reported and left to fulfilment's fallback, and a second run appends nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client

from catalog.bootstrap import CatalogSettings, build
from fulfilment.shipping.domain.events import ProductAccessoriesDefined
from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.provision import provision, shop_streams
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.harness import publish_event, send_command
from jetstream_es.testing.identity import session_identity
from jetstream_es.testing.nats_server import NatsServer

from .helpers import json_lines, shopctl

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SUPERVISOR = {"id": "e-sup", "roles": ["dept_supervisor"]}


def legacy(sku: str, *names: str) -> ProductAccessoriesDefined:
    return ProductAccessoriesDefined(sku=sku, accessories=names, defined_by="keeper-1", defined_at=NOW)


async def catalogue_events(nc: Client, sku: str) -> list[str]:
    store = JetStreamEventStore(nc, "catalog")
    try:
        return [e.event_type for e in await store.read("Product", sku)]
    finally:
        await store.close()


async def test_legacy_accessory_lists_are_handed_to_the_catalogue_once_ful_4_decision_0011(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    catalog = build(
        RuntimeSettings(nats_url=nats_server.url, connect_timeout=2, **session_identity().settings()),
        CatalogSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}"),
        clock=FixedClock(NOW),
    )
    await provision(nc, shop_streams(), list(catalog.consumer_specs()))
    await catalog.start()
    try:
        selected = await send_command(
            nc,
            "catalog",
            "SelectProduct",
            {
                "command_id": "sel-1",
                "actor": SUPERVISOR,
                "sku": "TEE-1",
                "name": "Navy tee",
                "category": "apparel",
                "positioning": "summer basics",
            },
        )
        assert selected["ok"], selected
        for n, event in enumerate(
            (legacy("TEE-1", "tag"), legacy("GHOST-9", "lid"), legacy("TEE-1", "spare button"))
        ):
            await publish_event(nc, "fulfilment", "Product", event.sku, event, f"legacy-{n}", occurred_at=NOW)

        dry = await shopctl(
            "--url", nats_server.url, "migrate", "accessories", "--dry-run", "--json", actor=SUPERVISOR
        )
        assert dry.exit_code == 0, dry.output
        assert [(r["sku"], r["outcome"]) for r in json_lines(dry.stdout)] == [
            ("GHOST-9", "would_migrate"),
            ("TEE-1", "would_migrate"),
        ]
        assert "ProductAccessoriesChanged" not in await catalogue_events(nc, "TEE-1")

        first = await shopctl("--url", nats_server.url, "migrate", "accessories", "--json", actor=SUPERVISOR)
        assert first.exit_code == 1, first.output  # GHOST-9 is not in the catalogue yet
        rows = {r["sku"]: r for r in json_lines(first.stdout)}
        assert rows["TEE-1"]["outcome"] == "migrated"
        assert rows["TEE-1"]["accessories"] == ["spare button"]  # the latest legacy list
        assert rows["GHOST-9"]["outcome"] == "refused"
        assert "legacy list" in rows["GHOST-9"]["note"]
        after_first = await catalogue_events(nc, "TEE-1")
        assert after_first.count("ProductAccessoriesChanged") == 1

        again = await shopctl("--url", nats_server.url, "migrate", "accessories", "--json", actor=SUPERVISOR)
        assert {r["sku"]: r["outcome"] for r in json_lines(again.stdout)}["TEE-1"] in (
            "migrated",
            "unchanged",
        )
        assert await catalogue_events(nc, "TEE-1") == after_first  # a second run appends nothing
    finally:
        await catalog.stop()
