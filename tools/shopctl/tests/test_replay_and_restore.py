"""shopctl against real servers (issue 9): a projection deleted and replayed equals the original;
export → import into a fresh server → identical projections and checksums; the weekly order
backup records OrdersBackedUp with the export's checksum (ORD-4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nats.aio.client import Client
from sqlalchemy import delete

from jetstream_es.testing.harness import caught_up
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.pytest_plugin import connect

from .helpers import json_lines, shopctl, snapshot, some_orders, start_orders, table_rows

SCHEDULED_JOB = {"id": "system", "roles": ["system"]}

pytestmark = pytest.mark.integration
IDS = ["o-1", "o-2", "o-3"]


async def test_a_projection_deleted_and_replayed_equals_the_original(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    orders = await start_orders(nats_server.url, nc, tmp_path / "orders.db")
    try:
        await some_orders(nc, IDS, confirmed=2)
        await caught_up(orders)
        before, rows_before = await snapshot(nc, IDS), await table_rows(orders, "orders_views")
        runner = orders.runner("orders_views")
        async with orders.engine.begin() as conn:  # the projection's rows are lost
            for table in runner.tables.values():
                await conn.execute(delete(table))
        assert (await snapshot(nc, IDS))["list"]["total"] == 0
        dry = await shopctl(
            "--url", nats_server.url, "replay", "orders", "orders_views", "--dry-run", "--json"
        )
        assert dry.exit_code == 0, dry.output
        [report] = json_lines(dry.stdout)
        assert report["dry_run"] is True
        assert sum(c["added"] for c in report["changes"]) == sum(len(r) for r in rows_before.values())
        assert (await snapshot(nc, IDS))["list"]["total"] == 0, "a dry run changes nothing"
        result = await shopctl("--url", nats_server.url, "replay", "orders", "orders_views")
        assert result.exit_code == 0, result.output
        assert "rebuilt orders/orders_views" in result.stdout
        assert await snapshot(nc, IDS) == before
        assert await table_rows(orders, "orders_views") == rows_before
        every = await shopctl("--url", nats_server.url, "replay", "orders", "--all", "--json")
        assert every.exit_code == 0, every.output
        names = {r["projection"] for r in json_lines(every.stdout)}
        assert names == {
            "orders_views",
            "orders_deadlines",
            "orders_buyer_risk",
            "orders_stock_signals",
            "orders_backup_deadlines",
            "orders_catalogue_products",
            "orders_duty_rota",
        }, "reactions are never replayed"
        assert await snapshot(nc, IDS) == before
    finally:
        await orders.stop()


async def test_export_then_import_into_a_fresh_server_reproduces_every_projection(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    orders = await start_orders(nats_server.url, nc, tmp_path / "a.db")
    try:
        await some_orders(nc, IDS, confirmed=1)
        await caught_up(orders)
        original = await snapshot(nc, IDS)
        tables = {p: await table_rows(orders, p) for p in ("orders_views", "orders_deadlines")}
    finally:
        await orders.stop()
    export = tmp_path / "orders.jsonl"
    result = await shopctl("--url", nats_server.url, "export", "ORDERS", str(export))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "orders.manifest.json").read_text())
    assert manifest["count"] == manifest["last_seq"] == len(export.read_text().splitlines())

    with NatsServer() as fresh:
        nc_b = await connect(fresh.url)
        try:
            restored = await start_orders(fresh.url, nc_b, tmp_path / "b.db")
            await restored.stop()  # the streams and consumers exist, empty; the service is down
            result = await shopctl("--url", fresh.url, "import", str(export))
            assert result.exit_code == 0, result.output
            assert f"imported {manifest['count']} messages into ORDERS" in result.stdout
            restored = await start_orders(fresh.url, nc_b, tmp_path / "c.db")  # a fresh database
            try:
                await caught_up(restored)
                assert await snapshot(nc_b, IDS) == original
                for projection, rows in tables.items():
                    assert await table_rows(restored, projection) == rows
            finally:
                await restored.stop()
            again = await shopctl("--url", fresh.url, "export", "ORDERS", str(tmp_path / "again.jsonl"))
            assert again.exit_code == 0, again.output
            second = json.loads((tmp_path / "again.manifest.json").read_text())
            assert second["content_sha256"] == manifest["content_sha256"]
            assert second["count"] == manifest["count"]
            twice = await shopctl("--url", fresh.url, "import", str(export))
            assert twice.exit_code == 2
            assert "already holds messages" in twice.output
        finally:
            await nc_b.close()


async def test_the_weekly_order_backup_records_orders_backed_up_with_its_checksum(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    """ORD-4: the scheduled `shopctl backup orders` exports, verifies and records the backup."""
    orders = await start_orders(nats_server.url, nc, tmp_path / "orders.db")
    try:
        await some_orders(nc, ["o-7"], confirmed=0)
        result = await shopctl(
            "--url",
            nats_server.url,
            "backup",
            "orders",
            "--dir",
            str(tmp_path / "b"),
            "--week",
            "2026-W10",
            actor=SCHEDULED_JOB,  # the scheduled job signs in as system (ORD-4)
        )
        assert result.exit_code == 0, result.output
        [manifest_file] = (tmp_path / "b").glob("*.manifest.json")
        manifest = json.loads(manifest_file.read_text())
        history = await shopctl(
            "--url", nats_server.url, "history", "2026-W10", "--service", "orders", "--json"
        )
        assert history.exit_code == 0, history.output
        [event] = json_lines(history.stdout)
        assert event["event_type"] == "OrdersBackedUp"
        assert event["subject"] == "orders.events.OrderBackup.2026-W10"
        assert event["data"]["checksum"] == manifest["content_sha256"]
        assert event["data"]["record_count"] == manifest["count"] == 1
        assert event["data"]["backed_up_by"] == "system"
        refused = await shopctl(
            "--url",
            nats_server.url,
            "backup",
            "orders",
            "--dir",
            str(tmp_path / "c"),
            actor={"id": "sales-9", "roles": ["sales_staff"]},  # signed in without an ORD-4 role
        )
        assert refused.exit_code == 1
        assert "forbidden" in refused.output
        assert "ORD-4" in refused.output
        [written] = (tmp_path / "c").glob("*.jsonl")
        assert written.name == "orders-2026-W10-20260302T010000Z.jsonl", "the week of the service's clock"
    finally:
        await orders.stop()
