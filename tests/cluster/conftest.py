"""The cluster topology of `make cluster` for the fault and security tests (issue 11).

One cluster per test module (a fault leaves nothing behind for the next module): three nats-server processes (R3 streams, per-service users),
a private PostgreSQL (installed by deploy/scripts/ensure-postgres.sh when missing) and every
service as its own process, all on free loopback ports under a temporary directory. Only
processes started here are stopped, by their PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import nats.errors
import pytest
from nats.aio.client import Client

from shop_contracts.envelope import Actor
from shopops.cluster import Cluster, Ports
from shopops.security import OPERATOR

READER = Actor(id="cluster-auditor", roles=("ecom_supervisor", "hr_dept"))
"""Who the workload's checks read as: the department's head and HR read orders, cases and ladders."""

ACCOUNT = "acct-shop-1"
ORDERS, REFUND_EVERY, ABSENCES = 60, 3, 30  # per fault test: 60 orders + payments, 20 refunds, 30 absences
RETRYABLE = ("unavailable", "not_found")  # a service restarting, a reaction not applied yet


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="shop-cluster-"))
    topology = Cluster(
        root, Ports.free(), fsync=False, extra_env={"ORDERS_COMPANY_ACCOUNTS": f'["{ACCOUNT}"]'}
    )
    try:
        asyncio.run(topology.up())
        yield topology
    finally:
        topology.down()
        if os.environ.get("SHOP_KEEP_CLUSTER_DIR"):
            print(f"cluster directory kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


@dataclass
class Figures:
    """What a fault test reports: every command is sent until acknowledged (same `command_id`)."""

    scenario: str
    commands_sent: int = 0
    attempts: int = 0
    acknowledged: int = 0
    refused: int = 0
    unanswered: int = 0
    lost: int = 0
    duplicated: int = 0
    counter_mismatch: int = 0
    faults: int = 0
    recover_seconds: list[float] = field(default_factory=list)
    replay_differences: int = 0
    seconds: float = 0.0

    def report(self) -> str:
        figures = asdict(self)
        figures["recover_seconds"] = [round(s, 2) for s in self.recover_seconds]
        figures["max_recover_seconds"] = round(max(self.recover_seconds, default=0.0), 2)
        figures["seconds"] = round(self.seconds, 1)
        line = json.dumps(figures)
        print(f"\n[cluster-figures] {line}")
        return line


class Workload:
    """A stream of orders, refunds and attendance records against the running cluster, sent by
    the `client` user, and the checks that each acknowledged command is reflected exactly once."""

    def __init__(self, cluster: Cluster, scenario: str) -> None:
        self.cluster = cluster
        self.run = f"{scenario}-{int(time.time() * 1000) % 10**9}"
        self.figures = Figures(scenario)
        self.nc: Client | None = None
        self.op: Client | None = None
        self.orders: list[str] = []
        self.refunds: dict[str, str] = {}
        self.absences: list[str] = []
        self.today = datetime.now(UTC).date()

    async def __aenter__(self) -> Workload:
        self.nc = await self.cluster.connect("shop-demo")  # a client program, its own user (decision 0010)
        self.op = await self.cluster.connect(OPERATOR)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in (self.nc, self.op):
            if client is not None:
                await client.close()

    async def send(
        self,
        subject: str,
        body: dict[str, Any],
        within: float = 90.0,
        retry: tuple[str, ...] = RETRYABLE,
        retry_rules: tuple[str, ...] = (),
        reader: Actor | None = None,
    ) -> dict[str, Any] | None:
        """Send until answered (retrying the same command on time-outs and restarts, and on refusals
        by `retry_rules` that wait for another service's event to arrive)."""
        assert self.nc is not None
        data = json.dumps(body).encode()
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self.figures.attempts += 1
            # a fresh token per attempt (issue 17): the person issuer's, for the body's actor (a
            # query: the reader's)
            signer = Actor(**body["actor"]) if "actor" in body else reader
            headers = self.cluster.headers(signer, subject, data) if signer is not None else None
            try:
                msg = await self.nc.request(subject, data, timeout=3.0, headers=headers)
            except (nats.errors.Error, TimeoutError):
                await asyncio.sleep(0.2)
                continue
            reply: dict[str, Any] = json.loads(msg.data)
            error = reply.get("error") or {}
            if not reply.get("ok") and (error.get("code") in retry or error.get("rule") in retry_rules):
                await asyncio.sleep(0.2)
                continue
            return reply
        return None

    async def command(
        self, service: str, name: str, body: dict[str, Any], retry_rules: tuple[str, ...] = ()
    ) -> bool:
        self.figures.commands_sent += 1
        reply = await self.send(f"{service}.commands.{name}", body, retry_rules=retry_rules)
        if reply is None:
            self.figures.unanswered += 1
            return False
        if not reply.get("ok"):
            self.figures.refused += 1
            print(f"refused {service}.{name}: {reply}")
            return False
        self.figures.acknowledged += 1
        return True

    @property
    def sku(self) -> str:
        return f"SKU-{self.run}"[:64]

    async def list_product(self) -> None:
        """The catalogue lists the run's product through its listing flow, each step by its role
        (SM-LIST, CAT-1, CAT-6, CAT-8): orders sell only listed products (CAT-7)."""
        image = {"ref": "img/front.jpg", "kind": "image", "size_bytes": 120000}
        steps: list[tuple[str, str, dict[str, Any]]] = [
            (
                "SelectProduct",
                "dept_supervisor",
                {"name": "綠茶", "category": "accessories", "positioning": "主推"},
            ),
            ("RecordSellingPoints", "sales_staff", {"selling_points": ["清香"]}),
            ("RecordPhotography", "dept_supervisor", {"images": [image], "with_staff": ["artist-1"]}),
            ("RetouchImages", "technician", {"images": [image]}),
            ("ReviewProductImages", "dept_manager", {"decision": "approve"}),
            ("EditDetailPage", "web_artist", {"name": "綠茶", "specifications": {"material": "茶葉"}}),
            ("ApproveLaunch", "dept_manager", {}),
            ("SetPrice", "dept_supervisor", {"price": "19.90"}),
            ("ListProduct", "dept_supervisor", {}),
        ]
        for name, role, body in steps:
            actor = {"id": f"{role}-1", "roles": [role]}
            body = {"command_id": f"{name}-{self.sku}", "actor": actor, "sku": self.sku, **body}
            assert await self.command("catalog", name, body), f"catalog {name} refused"

    async def place(self, i: int) -> None:
        order_id = f"o-{self.run}-{i}"
        ok = await self.command(
            "orders",
            "PlaceOrder",
            {
                "command_id": f"place-{order_id}",
                "actor": {"id": "tmall", "roles": ["platform"]},
                "order_id": order_id,
                "lines": [{"sku": self.sku, "quantity": 2, "unit_price": "19.90"}],
                "buyer_id": f"b-{self.run}-{i}",
                "shipping": {"recipient": "王小明", "phone": "13800000000", "address": "上海市浦东新区"},
                "channel": "tmall",
                "sales_owner": f"s-{self.run}",
            },
            # CAT-7: orders learn the listing from the CATALOG stream; while a fault delays that,
            # the platform asks again, as it would
            retry_rules=("CAT-7",),
        )
        if ok and await self.command(
            "orders",
            "RecordPayment",
            {
                "command_id": f"pay-{order_id}",
                "actor": {"id": "tmall", "roles": ["platform"]},
                "order_id": order_id,
                "amount": "39.80",
                "payee_account": ACCOUNT,
                "payment_ref": f"pay-{order_id}",
            },
        ):
            self.orders.append(order_id)

    async def refund(self, i: int) -> None:
        order_id, case_id = f"o-{self.run}-{i}", f"c-{self.run}-{i}"
        ok = await self.command(
            "aftersales",
            "RequestRefund",
            {
                "command_id": f"refund-{case_id}",
                "actor": {"id": f"b-{self.run}-{i}", "roles": ["buyer"]},
                "case_id": case_id,
                "order_id": order_id,
                "reason": "changed_mind",
                "goods_received": False,
            },
            # SM-ORD: after-sales refunds paid orders only, and learns of the payment from the ORDERS
            # stream; while a fault delays that, the platform asks again, as it would
            retry_rules=("SM-ORD",),
        )
        if ok:
            self.refunds[order_id] = case_id

    async def absence(self, i: int) -> None:
        employee = f"e-{self.run}-{i}"
        ok = await self.command(
            "hr",
            "RecordAbsence",
            {
                "command_id": f"absence-{employee}",
                "actor": {"id": "sup-1", "roles": ["ecom_supervisor"]},
                "employee_id": employee,
                "work_date": date(self.today.year, 1, 5).isoformat(),
                "kind": "off_post_over_1h",
                "reason": "left the post for two hours",
            },
        )
        if ok:
            self.absences.append(employee)

    async def stream(
        self,
        orders: int = ORDERS,
        refund_every: int = REFUND_EVERY,
        absences: int = ABSENCES,
        workers: int = 6,
    ) -> None:
        """The run's product listed, then orders and absences interleaved, then a refund for every
        `refund_every`-th order."""
        await self.list_product()
        jobs: asyncio.Queue[Any] = asyncio.Queue()
        for i in range(max(orders, absences)):
            if i < orders:
                jobs.put_nowait((self.place, i))
            if i < absences:
                jobs.put_nowait((self.absence, i))
        await self._drain(jobs, workers)
        placed = {int(o.rsplit("-", 1)[1]) for o in self.orders}
        for i in range(0, orders, refund_every):
            if i in placed:
                jobs.put_nowait((self.refund, i))
        await self._drain(jobs, workers)

    @staticmethod
    async def _drain(jobs: asyncio.Queue[Any], workers: int) -> None:
        async def work() -> None:
            while True:
                try:
                    job, i = jobs.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await job(i)

        await asyncio.gather(*(work() for _ in range(workers)))

    async def query(self, service: str, name: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """A query's result once caught up; None when it is answered `not_found`."""
        reply = await self.send(
            f"{service}.queries.{name}", body, within=30.0, retry=("unavailable",), reader=READER
        )
        assert reply is not None, f"{service}.{name} unanswered"
        if not reply.get("ok") and reply["error"]["code"] == "not_found":
            return None
        assert reply.get("ok"), f"{service}.{name}: {reply}"
        result: dict[str, Any] = reply["result"]
        return result

    async def caught_up(self, within: float = 90.0) -> None:
        """Until every projection of every service has no pending or unacked message."""
        assert self.op is not None
        async with asyncio.timeout(within):
            for name in self.cluster.services:
                while True:
                    with contextlib.suppress(nats.errors.Error, TimeoutError):
                        msg = await self.op.request(f"{name}.queries.Health", b"{}", timeout=3.0)
                        health = json.loads(msg.data)["result"]
                        if all(p.get("pending") == 0 for p in health["projections"]):
                            break
                    await asyncio.sleep(0.2)

    async def verify(self) -> None:
        """Every acknowledged command is reflected exactly once; lost and duplicated counted."""
        await self.caught_up()
        f = self.figures
        owner = f"s-{self.run}"
        listed = await self.query("orders", "ListOrders", {"sales_owner": owner, "limit": 500})
        assert listed is not None
        listed_ids = Counter(o["order_id"] for o in listed["orders"])
        days = {"date_from": (self.today - timedelta(days=1)).isoformat()}
        days["date_to"] = (self.today + timedelta(days=1)).isoformat()
        sales = await self.query("orders", "DailySales", {**days, "sales_owner": owner})
        assert sales is not None
        counted = sum(int(r["orders"]) for r in sales["rows"])  # a counter: doubles on a duplicate
        f.counter_mismatch = counted - len(self.orders)
        for order_id in self.orders:
            order = await self.query("orders", "GetOrder", {"order_id": order_id})
            if order is None:
                print(f"lost: {order_id} was acknowledged but is not in the orders projection")
                f.lost += 1
                continue
            placed = sum(1 for e in order["history"] if e["event_type"] == "OrderPlaced")
            if listed_ids[order_id] == 0 or placed == 0:
                f.lost += 1
            if listed_ids[order_id] > 1 or placed > 1:
                f.duplicated += 1
            if order_id in self.refunds and order["status"] != "RefundPending":
                f.lost += 1
        if listed["total"] > len(self.orders):
            f.duplicated += listed["total"] - len(self.orders)
        for order_id, case_id in self.refunds.items():
            cases = await self.query("aftersales", "ListRefundCases", {"order_id": order_id, "limit": 10})
            assert cases is not None
            ids = [c["case_id"] for c in cases["cases"]]
            f.lost += int(case_id not in ids)
            f.duplicated += max(0, len(ids) - 1)
        for employee in self.absences:
            ladder = await self.query(
                "hr", "AbsenceLadder", {"employee_id": employee, "year": self.today.year}
            )
            if ladder is None:
                f.lost += 1
                continue
            f.lost += int(len(ladder["absences"]) == 0)
            f.duplicated += max(0, len(ladder["absences"]) - 1)
            if ladder["absences"] and ladder["fined"] != "100.00":
                f.duplicated += 1

    def assert_exactly_once(self) -> None:
        """Every command acknowledged, each reflected exactly once, replay identical."""
        f = self.figures
        assert f.unanswered == 0, f.report()
        assert f.refused == 0, f.report()
        assert f.acknowledged == f.commands_sent, f.report()
        assert len(self.orders) == ORDERS, f.report()
        assert len(self.absences) == ABSENCES, f.report()
        assert f.lost == 0, f.report()
        assert f.duplicated == 0, f.report()
        assert f.counter_mismatch == 0, f.report()
        assert f.replay_differences == 0, f.report()

    async def replay_all(self) -> None:
        """Rebuild every replayable projection (dry run): it must equal the serving tables."""
        assert self.op is not None
        for name in self.cluster.services:
            msg = await self.op.request(f"{name}.queries.Health", b"{}", timeout=5.0)
            for projection in json.loads(msg.data)["result"]["projections"]:
                if not projection["replayable"]:
                    continue
                body = {"projection": projection["name"], "dry_run": True}
                subject, data = f"{name}.admin.ReplayProjection", json.dumps(body).encode()
                operator = Actor(id="shopctl-operator", roles=("operator",))
                headers = self.cluster.headers(operator, subject, data, program="shopctl-operator")
                reply = json.loads((await self.op.request(subject, data, timeout=120, headers=headers)).data)
                assert reply.get("ok"), f"replay of {projection['name']}: {reply}"
                tables = reply["result"].get("changes") or []
                differences = sum(t["added"] + t["removed"] + t["changed"] for t in tables)
                if differences:
                    print(f"replay of {projection['name']} differs: {[t for t in tables if t['examples']]}")
                self.figures.replay_differences += differences


@pytest.fixture
def workload(cluster: Cluster, request: pytest.FixtureRequest) -> Workload:
    return Workload(cluster, request.node.name.removeprefix("test_").replace("_", "-")[:20])
