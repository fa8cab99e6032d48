"""System benchmark (issue 10): the four services as real processes on one nats-server, driven
through their public commands, against raw nats-py publishing measured in the same run.

    uv run python bench/system.py            # ~3 min on 2 cores
    uv run python bench/system.py --quick    # smoke run

Figures (bench/results/system.json, table in bench/README.md):
- order_lifecycle_per_s: complete lifecycles per second at saturation: placed, paid, remarked,
  contacted, confirmed (orders), queued, documents printed in the 14:00 batch, accessories
  checked, dispatched, stamped, delivered (fulfilment), and the order Delivered in orders' view.
  lifecycle_ratio = that / raw JetStream async publishes per second (window 256) on the same server.
- placed_to_fulfilment_p50_ms / _p99_ms: from sending PlaceOrder until fulfilment's shipment view
  shows the order queued, with new orders arriving at 50 % of the saturation lifecycle rate (each
  order's own commands, pay, remark, contact, confirm, are sent back to back).
- peak resident memory of each service during the run; CPU seconds per service; a py-spy profile
  of the busiest service (top functions by own samples) when py-spy may attach.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nats
import psutil

sys.path.insert(0, str(Path(__file__).parent))
from esbench.baseline import run_baseline
from esbench.config import RAW_BENCH_TOOL
from esbench.progress import log
from esbench.stats import percentile_ms

from jetstream_es.settings import inbox_prefix
from jetstream_es.testing.nats_server import NatsServer
from shopdemo import flows
from shopdemo.client import Refused, ShopClient, SimClock
from shopdemo.flows import Line
from shopdemo.identity import Identity
from shopdemo.staff import COMPANY_ACCOUNT, READER
from shopdemo.system import RunningShop, start_shop

RESULTS = Path(__file__).parent / "results" / "system.json"
TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 2)  # a Monday
TEA = Line("SKU-TEA", 1, Decimal("59.00"))


@dataclass(frozen=True)
class Sizes:
    orders: int
    latency_orders: int
    concurrency: int
    baseline_args: tuple[str, ...]


DEFAULT = Sizes(400, 150, 32, ("--n", "20000", "--min-seconds", "1", "--windows", "256"))
QUICK = Sizes(60, 30, 16, ("--quick",))


class MemoryWatch:
    """Samples each service's resident memory (RSS) every 0.2 s; keeps the peak and CPU time."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peak: Counter[str] = Counter()
        self.cpu_start = {name: sum(p.cpu_times()[:2]) for name, p in self.procs.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for name, proc in self.procs.items():
                try:
                    self.peak[name] = max(self.peak[name], proc.memory_info().rss)
                except psutil.Error:
                    continue

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(2)

    def cpu_seconds(self) -> dict[str, float]:
        return {
            name: round(sum(p.cpu_times()[:2]) - self.cpu_start[name], 1) for name, p in self.procs.items()
        }


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


async def bounded(concurrency: int, jobs: list[Any]) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(job: Any) -> None:
        async with gate:
            await job

    await asyncio.gather(*(one(job) for job in jobs))


async def order_side(client: ShopClient, order_id: str) -> None:
    await flows.place_order(client, order_id, (TEA,))
    await flows.pay(client, order_id, (TEA,))
    await flows.remark_contact_confirm(client, order_id)


async def lifecycles(client: ShopClient, clock: SimClock, sizes: Sizes) -> dict[str, Any]:
    """Saturation: every order through placement, the batch, shipping and delivery."""
    ids = [f"bench-{n:05d}" for n in range(sizes.orders)]
    started = time.perf_counter()
    await bounded(sizes.concurrency, [order_side(client, o) for o in ids])
    order_side_s = time.perf_counter() - started
    await client.quiesce(within=300)
    await clock.set(at(14, 0))
    day = await flows.generate_report(client, DAY)
    await flows.hand_over_packet(client, day)
    await bounded(sizes.concurrency, [flows.ship(client, o, ()) for o in ids])
    await bounded(sizes.concurrency, [flows.deliver(client, o) for o in ids])
    await client.quiesce(within=300)
    elapsed = time.perf_counter() - started
    delivered = (await client.query("orders", "ListOrders", {"status": "Delivered", "limit": 1}))["total"]
    if delivered != sizes.orders:
        raise RuntimeError(f"only {delivered} of {sizes.orders} orders reached Delivered")
    return {
        "orders": sizes.orders,
        "seconds": round(elapsed, 2),
        "order_lifecycle_per_s": round(sizes.orders / elapsed, 2),
        "order_side_per_s": round(sizes.orders / order_side_s, 2),
        "commands_per_lifecycle": 9,
    }


async def placed_to_fulfilment(client: ShopClient, rate: float, count: int) -> dict[str, Any]:
    """At `rate` orders per second: PlaceOrder sent → fulfilment's view shows the shipment queued."""
    latencies_ns: list[int] = []

    async def one(order_id: str) -> None:
        sent = time.perf_counter_ns()
        await order_side(client, order_id)
        while True:
            try:
                shipment = await client.query("fulfilment", "GetShipment", {"shipment_id": order_id})
                if shipment["status"] == "Queued" or shipment["batch_date"]:
                    break
            except Refused:  # not in the view yet
                pass
            await asyncio.sleep(0.005)
        latencies_ns.append(time.perf_counter_ns() - sent)

    tasks = []
    for n in range(count):
        tasks.append(asyncio.create_task(one(f"lat-{n:05d}")))
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*tasks)
    ordered = sorted(latencies_ns)
    return {
        "latency_orders": count,
        "latency_rate_per_s": round(rate, 2),
        "placed_to_fulfilment_p50_ms": round(percentile_ms(ordered, 50), 1),
        "placed_to_fulfilment_p99_ms": round(percentile_ms(ordered, 99), 1),
    }


PACKAGES = (
    "orders",
    "fulfilment",
    "aftersales",
    "hr",
    "jetstream_es",
    "sqlalchemy",
    "aiosqlite",
    "nats",
    "pydantic",
    "structlog",
    "asyncio",
)


class Profiler:
    """py-spy on every service while the saturation phase runs (100 samples a second, only threads
    holding the GIL); summarised per service as top functions by own samples and the share of
    samples whose stack passes through each package (inclusive)."""

    def __init__(self, pids: dict[str, int], work: Path) -> None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        self.outs = {name: work / f"profile-{name}.txt" for name in pids}
        self.procs = {
            name: subprocess.Popen(
                [
                    spy,
                    "record",
                    "-p",
                    str(pid),
                    "-d",
                    "600",
                    "-r",
                    "100",
                    "-f",
                    "raw",
                    "-o",
                    str(self.outs[name]),
                    "--nonblocking",
                    "--gil",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name, pid in pids.items()
        }

    def stop(self) -> dict[str, Any]:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGINT)
        summaries: dict[str, Any] = {}
        for name, proc in self.procs.items():
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            out = self.outs[name]
            summaries[name] = (
                summarise(out) if out.exists() else f"py-spy could not attach: {err.strip()[-300:]}"
            )
        return summaries


def summarise(out: Path) -> dict[str, Any]:
    own: Counter[str] = Counter()
    through: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    project = ("(orders/", "(fulfilment/", "(aftersales/", "(hr/", "(jetstream_es/")
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames, n = stack.split(";"), int(count)
        own[frames[-1]] += n
        for package in {pkg for pkg in PACKAGES for f in frames if f"({pkg}/" in f or f"({pkg}." in f}:
            through[package] += n
        innermost = next((f for f in reversed(frames) if any(m in f for m in project)), None)
        if innermost is not None:
            ours[innermost.rsplit(":", 1)[0] + ")"] += n
        total += n
    return {
        "samples": total,
        "top_own": [{"function": f, "share": round(n / total, 3)} for f, n in own.most_common(12)],
        "inclusive": {pkg: round(n / total, 3) for pkg, n in through.most_common()},
        "innermost_project_function": [
            {"function": f, "share": round(n / total, 3)} for f, n in ours.most_common(12)
        ],
    }


async def run(sizes: Sizes, work: Path) -> dict[str, Any]:
    with NatsServer() as server:
        log("raw baseline (async publish, window 256) ...")
        baseline = await asyncio.to_thread(run_baseline, RAW_BENCH_TOOL, server.url, sizes.baseline_args)
        publish_per_s = float(baseline["used"]["async_publish_window_256_per_s"])
        log(f"raw publish {publish_per_s:.0f}/s; starting the shop ...")
        shop: RunningShop = await asyncio.to_thread(
            start_shop,
            work / "shop",
            0,
            0,
            clock="simulation",
            env={"ORDERS_COMPANY_ACCOUNTS": json.dumps([COMPANY_ACCOUNT]), "SHOP_LOG_LEVEL": "WARNING"},
            url=server.url,
        )
        try:
            nc = await nats.connect(server.url, connect_timeout=2, inbox_prefix=inbox_prefix("bench"))
            # real tokens (issue 17): staff through the person issuer with their granted roles,
            # the platform's orders from the connector's key, system acts from the bench's own key
            bench_identity = Identity(nc, work / "shop" / "identity", program="bench", timeout=60)
            client = ShopClient(nc, prefix="bench", timeout=60, identity=bench_identity, reader=READER)
            clock = SimClock(client)
            await clock.set(at(9))
            await flows.stock_up(
                client, TEA.sku, sizes.orders * 2 + sizes.latency_orders * 2, "L-BENCH", "西湖龍井"
            )
            await flows.define_accessories(client, TEA.sku, ())
            with MemoryWatch(shop.pids) as memory:
                log(f"saturation: {sizes.orders} lifecycles, {sizes.concurrency} in flight ...")
                profiler = Profiler(shop.pids, work)
                try:
                    saturation = await lifecycles(client, clock, sizes)
                finally:
                    profiles = await asyncio.to_thread(profiler.stop)
                busiest = max(memory.cpu_seconds().items(), key=lambda kv: kv[1])[0]
                log(f"{saturation['order_lifecycle_per_s']} lifecycles/s; latency at 50 % load ...")
                await clock.set(at(9, 0, DAY + dt.timedelta(days=1)))
                rate = saturation["order_lifecycle_per_s"] / 2
                latency = await placed_to_fulfilment(client, rate, sizes.latency_orders)
                await client.quiesce(within=300)
                cpu = memory.cpu_seconds()
            await nc.close()
        finally:
            await asyncio.to_thread(shop.stop)
    return {
        "raw_async_publish_per_s": round(publish_per_s, 1),
        **saturation,
        "lifecycle_ratio": round(saturation["order_lifecycle_per_s"] / publish_per_s, 5),
        **latency,
        "peak_rss_mb": {name: round(rss / 2**20, 1) for name, rss in sorted(memory.peak.items())},
        "cpu_seconds": cpu,
        "busiest_service": busiest,
        "profiles_during_saturation": profiles,
        "sizes": sizes.__dict__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else DEFAULT
    with tempfile.TemporaryDirectory(prefix="shop-system-bench-") as tmp:
        result = asyncio.run(run(sizes, Path(tmp)))
    result["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
