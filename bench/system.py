"""System benchmark (issues 10, 20): the shop's services as real processes on one nats-server,
driven through their public commands, against the same order lifecycle written by hand on raw
nats-py and sqlite3 (`../shared/tools/raw_lifecycle_bench.py`), measured in the same run on the
same server with the same sizes.

    uv run python bench/system.py                 # ~5 min on 2 cores (raw, then the shop)
    uv run python bench/system.py --quick         # smoke run
    uv run python bench/system.py --url nats://127.0.0.1:4222   # a server already running

Figures (bench/results/system.json, table in bench/README.md), each project ÷ raw like-for-like:
- lifecycle_ratio: complete lifecycles per second at saturation: placed, paid, remarked,
  contacted, confirmed (orders), queued, documents printed in the 14:00 batch, accessories
  checked, dispatched, stamped, delivered (fulfilment), the order Delivered in orders' view.
  Target ≥ 0.6 (issue 20).
- latency_p99_ratio: from sending PlaceOrder until fulfilment's shipment view shows the order
  queued, with new orders arriving at 50 % of each side's own saturation rate. Target ≤ 2.
- cpu_ratio: CPU milliseconds of the services (the driver and nats-server left out) per lifecycle
  during saturation. Target ≤ 2.
Also the peak resident memory of each service, CPU per service, and a py-spy profile of every
service during saturation (top functions by own samples) when py-spy may attach.

The raw tool is not part of this repository: it lives in the shared folder next to it
(`--raw-tool`, default `<repo>/../shared/tools/raw_lifecycle_bench.py`); without it the benchmark
stops with an error rather than report a figure with nothing to divide by.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from esbench.config import RAW_LIFECYCLE_TOOL
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
TEA_SPECS = {"material": "綠茶 250g"}


@dataclass(frozen=True)
class Sizes:
    orders: int
    latency_orders: int
    concurrency: int


DEFAULT = Sizes(400, 150, 32)
QUICK = Sizes(60, 30, 16)


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


def run_raw(tool: Path, url: str, sizes: Sizes) -> dict[str, Any]:
    """The raw like-for-like lifecycle (its own streams, prefix `rawlc`, dropped after) on `url`."""
    args = [sys.executable, str(tool), "--url", url, "--json", "--orders", str(sizes.orders)]
    args += ["--latency-orders", str(sizes.latency_orders), "--concurrency", str(sizes.concurrency)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=1200, check=False)
    if done.returncode != 0 and not done.stdout.strip().startswith("{"):
        raise RuntimeError(f"{tool.name} failed ({done.returncode}): {done.stderr.strip()[-1500:]}")
    raw: dict[str, Any] = json.loads(done.stdout)
    if not raw["checks"]["ok"]:
        raise RuntimeError(f"{tool.name}: its own checks failed: {json.dumps(raw['checks'])[:1500]}")
    return raw


def ratio(project: float, raw: float) -> float | None:
    return round(project / raw, 3) if raw else None


async def run_shop(sizes: Sizes, work: Path, url: str) -> dict[str, Any]:
    log("starting the shop ...")
    shop: RunningShop = await asyncio.to_thread(
        start_shop,
        work / "shop",
        0,
        0,
        clock="simulation",
        env={"ORDERS_COMPANY_ACCOUNTS": json.dumps([COMPANY_ACCOUNT]), "SHOP_LOG_LEVEL": "WARNING"},
        url=url,
    )
    try:
        nc = await nats.connect(url, connect_timeout=2, inbox_prefix=inbox_prefix("bench"))
        # real tokens (issue 17): staff through the person issuer with their granted roles,
        # the platform's orders from the connector's key, system acts from the bench's own key
        bench_identity = Identity(nc, work / "shop" / "identity", program="bench", timeout=60)
        client = ShopClient(nc, prefix="bench", timeout=60, identity=bench_identity, reader=READER)
        clock = SimClock(client)
        await clock.set(at(9))
        # orders sell only what the catalogue lists (CAT-7): the tea goes through the listing flow
        await flows.list_product(
            client, TEA.sku, "西湖龍井", TEA.unit_price, category="accessories", specifications=TEA_SPECS
        )
        await flows.stock_up(
            client, TEA.sku, sizes.orders * 2 + sizes.latency_orders * 2, "L-BENCH", "西湖龍井"
        )
        with MemoryWatch(shop.pids) as memory:
            log(f"saturation: {sizes.orders} lifecycles, {sizes.concurrency} in flight ...")
            profiler = Profiler(shop.pids, work)
            cpu_before = memory.cpu_seconds()
            try:
                saturation = await lifecycles(client, clock, sizes)
            finally:
                cpu_saturation = memory.cpu_seconds()
                profiles = await asyncio.to_thread(profiler.stop)
            sat_cpu = {name: round(cpu_saturation[name] - cpu_before[name], 2) for name in cpu_saturation}
            busiest = max(sat_cpu.items(), key=lambda kv: kv[1])[0]
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
        **saturation,
        **latency,
        "cpu_seconds_saturation": sat_cpu,
        "cpu_ms_per_lifecycle": {k: round(v * 1000 / sizes.orders, 2) for k, v in sat_cpu.items()},
        "cpu_seconds_whole_run": cpu,
        "peak_rss_mb": {name: round(rss / 2**20, 1) for name, rss in sorted(memory.peak.items())},
        "busiest_service": busiest,
        "profiles_during_saturation": profiles,
    }


async def run(sizes: Sizes, work: Path, url: str | None, tool: Path) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        if url is None:
            url = stack.enter_context(NatsServer()).url
        log(f"raw like-for-like lifecycle ({tool.name}) on {url} ...")
        raw = await asyncio.to_thread(run_raw, tool, url, sizes)
        log(f"raw: {raw['saturation']['lifecycles_per_s']} lifecycles/s")
        project = await run_shop(sizes, work, url)
    raw_cpu = raw["cpu_seconds"]["ms_per_lifecycle_saturation"]
    raw_services_ms = sum(v for k, v in raw_cpu.items() if k not in ("driver", "nats_server"))
    project_ms = sum(project["cpu_ms_per_lifecycle"].values())
    raw_p99 = raw.get("latency", {}).get("placed_to_fulfilment_p99_ms", 0.0)
    return {
        "lifecycle_ratio": ratio(project["order_lifecycle_per_s"], raw["saturation"]["lifecycles_per_s"]),
        "latency_p99_ratio": ratio(project["placed_to_fulfilment_p99_ms"], raw_p99),
        "cpu_ratio": ratio(project_ms, raw_services_ms),
        "targets": {"lifecycle_ratio": ">= 0.6", "latency_p99_ratio": "<= 2", "cpu_ratio": "<= 2"},
        "project": project,
        "raw": {
            "lifecycles_per_s": raw["saturation"]["lifecycles_per_s"],
            "placed_to_fulfilment_p50_ms": raw.get("latency", {}).get("placed_to_fulfilment_p50_ms"),
            "placed_to_fulfilment_p99_ms": raw_p99,
            "services_cpu_ms_per_lifecycle": round(raw_services_ms, 2),
            "cpu_ms_per_lifecycle": raw_cpu,
            "per_lifecycle": raw.get("per_lifecycle"),
            "meta": raw.get("meta"),
        },
        "project_services_cpu_ms_per_lifecycle": round(project_ms, 2),
        "sizes": sizes.__dict__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run with small counts")
    parser.add_argument("--url", help="a running nats-server to use for both sides (default: start one)")
    parser.add_argument("--raw-tool", type=Path, default=RAW_LIFECYCLE_TOOL, help="raw_lifecycle_bench.py")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    if not args.raw_tool.is_file():
        parser.error(
            f"--raw-tool {args.raw_tool}: not found; the raw like-for-like lifecycle is the baseline "
            "every figure divides by (the shared folder beside the repository holds it)"
        )
    sizes = QUICK if args.quick else DEFAULT
    with tempfile.TemporaryDirectory(prefix="shop-system-bench-") as tmp:
        result = asyncio.run(run(sizes, Path(tmp), args.url, args.raw_tool))
    result["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    args.results.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
