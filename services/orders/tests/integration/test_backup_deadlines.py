"""The weekly backup deadline on the running service (ORD-4): a week that ends without
OrdersBackedUp records OrdersBackupOverdue once, shown by OrderBackups; a backed-up week is not
flagged, and the next week is watched either way."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer

from .helpers import NOW, caught_up, command, place_body, query, start_orders

pytestmark = pytest.mark.integration
WEEK_ENDS = NOW.replace(day=8, hour=16)  # NOW is Monday 2026-03-02 (W10); it ends Monday 00:00 Shanghai


async def fire(runtime: ServiceRuntime) -> None:
    await caught_up(runtime)
    for scheduler in runtime.schedulers:
        await scheduler.run_due()
    await caught_up(runtime)


async def backup_events(nc: Client, week: str) -> list[str]:
    store = JetStreamEventStore(nc, "orders")
    try:
        return [e.event_type for e in await store.read("OrderBackup", week)]
    finally:
        await store.close()


def backup_body(week: str) -> dict[str, object]:
    return {
        "command_id": f"backup-{week}",
        "actor": {"id": "cron", "roles": ["system"]},
        "week": week,
        "record_count": 1,
        "location": f"/srv/backups/orders-{week}.jsonl",
        "checksum": "b" * 64,
        "last_seq": 1,
    }


async def test_a_week_without_a_backup_is_flagged_once_and_shown_ord_4(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    # given an order placed in week 2026-W10 and no backup
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        assert (await command(nc, "PlaceOrder", place_body()))["ok"]
        await fire(runtime)
        board = await query(nc, "OrderBackups", {})
        assert [(w["week"], w["status"]) for w in board["weeks"]] == [("2026-W10", "due")]
        # when the week ends
        clock.set(WEEK_ENDS + timedelta(minutes=1))
        await fire(runtime)
        await fire(runtime)
        # then it is overdue, once, and the next week is watched
        assert await backup_events(nc, "2026-W10") == ["OrdersBackupOverdue"]
        board = await query(nc, "OrderBackups", {})
        assert board["overdue"] == 1
        assert [(w["week"], w["status"]) for w in board["weeks"]] == [
            ("2026-W11", "due"),
            ("2026-W10", "overdue"),
        ]
    finally:
        await runtime.stop()


async def test_a_backed_up_week_is_not_flagged_ord_4(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_orders(nats_server.url, nc, tmp_path / "o.db", clock)
    try:
        assert (await command(nc, "PlaceOrder", place_body()))["ok"]
        assert (await command(nc, "BackUpOrders", backup_body("2026-W10")))["ok"]
        clock.set(WEEK_ENDS + timedelta(minutes=1))
        await fire(runtime)
        assert await backup_events(nc, "2026-W10") == ["OrdersBackedUp"]
        board = await query(nc, "OrderBackups", {"status": "backed_up"})
        assert [(w["week"], w["backups"]) for w in board["weeks"]] == [("2026-W10", 1)]
        assert board["overdue"] == 0
    finally:
        await runtime.stop()
