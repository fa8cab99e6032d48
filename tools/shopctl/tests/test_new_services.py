"""shopctl with the catalogue and KPI services (issue 19) against a real server: `status` lists
every service of the shop, catalog and kpi among them, says which answer and exits 1 while one is
down; `send catalog ...` and `query kpi ...` reach them, a refusal naming its rule (KPI-5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client

from catalog.bootstrap import SPEC as CATALOG
from catalog.bootstrap import CatalogSettings
from catalog.bootstrap import build as build_catalog
from jetstream_es.clock import FixedClock
from jetstream_es.provision import provision, shop_streams
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.identity import session_identity
from jetstream_es.testing.nats_server import NatsServer
from kpi.bootstrap import SPEC as KPI
from kpi.bootstrap import KpiSettings
from kpi.bootstrap import build as build_kpi
from shop_contracts.subjects import SERVICES

from .helpers import json_lines, shopctl

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 2 March: April's targets may be set (KPI-5)
SUPERVISOR = {"id": "sup-1", "roles": ["dept_supervisor"]}


async def test_status_lists_catalog_and_kpi_and_send_and_query_reach_them(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    await provision(nc, shop_streams(), [*CATALOG.consumers, *KPI.consumers])
    runtime = RuntimeSettings(nats_url=nats_server.url, connect_timeout=2, **session_identity().settings())
    catalog = build_catalog(
        runtime,
        CatalogSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"),
        clock=FixedClock(NOW),
    )
    kpi = build_kpi(
        runtime, KpiSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"), clock=FixedClock(NOW)
    )
    await catalog.start()
    await kpi.start()
    try:
        url = nats_server.url
        status = await shopctl("--url", url, "--timeout", "1", "status", "--json")
        assert status.exit_code == 1, "the services not running here are down"
        rows = {row["service"]: row for row in json_lines(status.stdout)}
        assert list(rows) == list(SERVICES)
        assert {"catalog", "kpi"} <= set(rows)
        assert rows["catalog"]["status"] == rows["kpi"]["status"] == "ok"
        assert rows["kpi"]["projections"] >= 1
        assert rows["kpi"]["now"].startswith("2026-03-02")
        assert rows["orders"]["status"] == "down"
        assert "is the orders service running?" in rows["orders"]["error"]
        one = await shopctl("--url", url, "status", "kpi")
        assert one.exit_code == 0, one.output
        assert "kpi" in one.stdout
        assert "ok" in one.stdout

        body = {
            "command_id": "select-tea-1",
            "sku": "TEA-1",
            "name": "西湖龍井",
            "category": "accessories",
            "positioning": "店鋪主推",
        }
        sent = await shopctl(
            "--url", url, "send", "catalog", "SelectProduct", "--json", json.dumps(body), actor=SUPERVISOR
        )
        assert sent.exit_code == 0, sent.output
        assert '"aggregate_id": "TEA-1"' in sent.stdout
        target = {
            "command_id": "target-p-1",
            "month": "2026-04",
            "employee_id": "p-1",
            "position": "promoter",
            "target": "1000.00",
        }
        set_target = await shopctl(
            "--url", url, "send", "kpi", "SetMonthlyTarget", "--json", json.dumps(target), actor=SUPERVISOR
        )
        assert set_target.exit_code == 0, set_target.output
        too_far = await shopctl(
            "--url",
            url,
            "send",
            "kpi",
            "SetMonthlyTarget",
            "--json",
            json.dumps(target | {"command_id": "target-p-1-may", "month": "2026-05"}),
            actor=SUPERVISOR,
        )
        assert too_far.exit_code == 1
        assert "KPI-5" in too_far.output, "only next month's target, named by its rule"
        asked = await shopctl("--url", url, "query", "kpi", "MonthPay", "--json", '{"month": "2026-04"}')
        assert asked.exit_code == 0, asked.output
        assert '"p-1"' in asked.stdout
        assert '"1000.00"' in asked.stdout
    finally:
        await kpi.stop()
        await catalog.stop()
