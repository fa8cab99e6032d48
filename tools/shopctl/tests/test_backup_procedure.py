"""The backup and restore procedure of docs/operators/backup-restore.md, step by step, on a whole
shop (issue 15; HR-38, decision 0006): a simulated shop day, `shopctl backup all`, the shop stopped
and its NATS store and databases moved aside, a bare server provisioned, `shopctl restore`, the shop
started again; every list and get query of every service answers as before, personal data included."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nats
import pytest
from nats.aio.client import Client

from jetstream_es.testing.identity import EVERY_ROLE
from jetstream_es.testing.nats_server import free_port
from shopdemo.client import Actor, ShopClient, SimClock
from shopdemo.identity import Identity
from shopdemo.scenario import DemoReport, DemoSettings, ShopDay
from shopdemo.staff import COMPANY_ACCOUNT
from shopdemo.system import start_shop

from .helpers import shopctl

pytestmark = pytest.mark.integration
TZ = ZoneInfo("Asia/Shanghai")
AUDITOR = Actor("restore-auditor", EVERY_ROLE)
ENV = {"ORDERS_COMPANY_ACCOUNTS": f'["{COMPANY_ACCOUNT}"]', "SHOP_BUSINESS_TZ": "Asia/Shanghai"}
BIN = Path(sys.executable).parent


def signed_client(nc: Client, var: Path) -> ShopClient:
    """Real tokens (issue 17): the shop's own keys in `<var>/identity`; reads as an auditor."""
    identity = Identity(nc, var / "identity", program="shop-demo", timeout=15)
    return ShopClient(nc, prefix="restore", timeout=15, identity=identity, reader=AUDITOR)


async def answers(client: ShopClient, report: DemoReport) -> dict[str, Any]:
    """Every list and get query of every service over what the day produced (errors by code)."""
    day, month = report.day, report.month
    span = {
        "date_from": (day - dt.timedelta(days=7)).isoformat(),
        "date_to": (day + dt.timedelta(days=40)).isoformat(),
    }
    asks: list[tuple[str, str, dict[str, Any]]] = [
        ("orders", "ListOrders", {"limit": 500}),
        ("orders", "SlaBoard", {}),
        ("orders", "DailySales", span),
        ("orders", "OrderBackups", {}),
        ("fulfilment", "GetShippingDay", {"batch_date": day.isoformat()}),
        ("fulfilment", "ShippingDayHistory", {"batch_date": day.isoformat()}),
        ("fulfilment", "ListShipments", {"limit": 500}),
        ("fulfilment", "ListNotices", {"role": "operations_director"}),
        ("fulfilment", "ListNotices", {"role": "store_manager"}),
        ("fulfilment", "StockLevels", {"all_lots": True}),
        ("fulfilment", "MonthlyInventoryReport", {"month": month}),
        ("aftersales", "ListRefundCases", {"limit": 500}),
        ("aftersales", "RefundLedger", span),
        ("aftersales", "ComplaintBoard", {}),
        ("aftersales", "CustomerFlags", {}),
        ("aftersales", "ReviewBoard", {}),
        ("hr", "ActivityFund", {}),
        ("hr", "PayrollPeriod", {"period": month}),
        (
            "hr",
            "Rota",
            {
                "start_date": (day - dt.timedelta(days=7)).isoformat(),
                "end_date": (day + dt.timedelta(days=7)).isoformat(),
            },
        ),
        (
            "hr",
            "LeaveRequests",
            {"approver_id": "sl-1", "approver_roles": ["senior_leader", "direct_supervisor"]},
        ),
    ]
    asks += [("orders", "GetOrder", {"order_id": o}) for o in report.orders]
    for employee in report.employees:
        asks += [
            ("hr", "Employee", {"employee_id": employee}),
            ("hr", "DisciplineRecord", {"employee_id": employee}),
            ("hr", "AbsenceLadder", {"employee_id": employee, "year": day.year}),
            ("hr", "AttendanceMonth", {"employee_id": employee, "month": month}),
            ("hr", "CompTimeBalance", {"employee_id": employee}),
            ("hr", "Payslip", {"period": month, "employee_id": employee}),
        ]
    result: dict[str, Any] = {}
    for service, name, body in asks:
        result[f"{service}.{name} {sorted(body.items())}"] = await ask(client, service, name, body)
    shipments = result[f"fulfilment.ListShipments {sorted({'limit': 500}.items())}"]
    for shipment in shipments.get("shipments", []) if isinstance(shipments, dict) else []:
        body = {"shipment_id": shipment["shipment_id"]}
        result[f"fulfilment.GetShipment {body}"] = await ask(client, "fulfilment", "GetShipment", body)
    cases = result[f"aftersales.ListRefundCases {sorted({'limit': 500}.items())}"]
    for case in cases.get("cases", []) if isinstance(cases, dict) else []:
        body = {"case_id": case["case_id"]}
        result[f"aftersales.GetRefundCase {body}"] = await ask(client, "aftersales", "GetRefundCase", body)
    return result


async def settled(client: ShopClient) -> None:
    """Until the weekly backup deadlines (ORD-4) stop moving: overdue weeks are flagged one a tick."""
    last, same = None, 0
    for _ in range(120):
        now = await ask(client, "orders", "OrderBackups", {})
        same = same + 1 if now == last else 0
        if same >= 3:
            return
        last = now
        await asyncio.sleep(0.5)
    raise AssertionError(f"the order backup deadlines never settled: {last}")


async def ask(client: ShopClient, service: str, name: str, body: dict[str, Any]) -> Any:
    """Asked as the auditor: granted every role, so every answer is compared, not refused."""
    assert client.reader is not None
    reply = await client._request(f"{service}.queries.{name}", body, await client.proven(client.reader))
    return reply["result"] if reply.get("ok") else {"error": reply["error"]["code"]}


async def test_the_documented_restore_reproduces_every_query_answer_personal_data_included(
    tmp_path: Path,
) -> None:
    var, backup, aside = tmp_path / "var", tmp_path / "backup", tmp_path / "aside"
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    passphrase = secrets / "backup-passphrase"
    passphrase.write_text("correct horse battery staple\n")
    shop = start_shop(var, free_port(), free_port(), clock="simulation", env=ENV)
    try:
        nc = await nats.connect(shop.url, connect_timeout=2)
        client = signed_client(nc, var)
        clock = SimClock(client)
        report = await ShopDay(
            client, clock, DemoSettings(orders=4, staff=2, seed=3), TZ, lambda _: None
        ).run()
        await client.quiesce()
        when = await clock.now()
        await settled(client)
        before = await answers(client, report)
        await nc.close()
        # step 1: back up every stream, the key stream encrypted
        result = await shopctl(
            "--url", shop.url, "backup", "all", "--dir", str(backup), "--passphrase-file", str(passphrase)
        )
        assert result.exit_code == 0, result.output
        assert "name" not in (backup / "HR_KEYS.jsonl").read_text(), "no key or datum in clear"
    finally:
        assert shop.stop() == 0, shop.lines[-30:]
    # step 2: move the NATS store and the databases aside
    aside.mkdir()
    (var / "nats").rename(aside / "nats")
    for db in var.glob("*.db"):
        db.rename(aside / db.name)
    # step 3: a bare server with the streams and consumers declared
    port = free_port()
    url = f"nats://127.0.0.1:{port}"
    server = await asyncio.create_subprocess_exec(
        str(BIN / "nats-server"),
        "-js",
        "-a",
        "127.0.0.1",
        "-p",
        str(port),
        "-sd",
        str(var / "nats"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            provision = await asyncio.create_subprocess_exec(
                str(BIN / "shop-provision"),
                "--url",
                url,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            if await provision.wait() == 0:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("shop-provision never succeeded")
        # step 4: import every stream before any service runs
        wrong = tmp_path / "wrong"
        wrong.write_text("not it")
        refused = await shopctl(
            "--url", url, "restore", "--dir", str(backup), "--passphrase-file", str(wrong)
        )
        assert refused.exit_code == 2
        assert "wrong passphrase" in refused.output
        result = await shopctl(
            "--url", url, "restore", "--dir", str(backup), "--passphrase-file", str(passphrase)
        )
        assert result.exit_code == 0, result.output
        # on the simulation clock: set it again before any service runs (it is not in the backup)
        bare = await nats.connect(url, connect_timeout=2)
        assert when is not None
        await SimClock(ShopClient(bare, prefix="restore")).set(when, services=())
        await bare.close()
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)
    # step 5: start the shop again; every service rebuilds its projections
    shop = start_shop(var, free_port(), free_port(), clock="simulation", env=ENV)
    try:
        nc = await nats.connect(shop.url, connect_timeout=2)
        client = signed_client(nc, var)  # the same keys; the grants are restored with the streams
        await client.quiesce()
        assert await SimClock(client).now() == when
        await settled(client)
        after = await answers(client, report)
        await nc.close()
    finally:
        assert shop.stop() == 0, shop.lines[-30:]
    personal = [v for k, v in before.items() if k.startswith("hr.Employee ")]
    assert personal
    assert all(isinstance(v.get("personal"), dict) for v in personal), "seeded staff have personal data"
    assert sum("error" not in v for v in before.values() if isinstance(v, dict)) > len(before) // 2
    assert after == before
