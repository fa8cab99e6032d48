"""`shop-demo` (make demo): drive a simulated shop day through the public commands and print the
summary a department manager reads.

It uses the shop at `--url` when one answers there (it must run on the simulation clock and accept
payments into the demo's company account), and otherwise starts one itself (`shop-run
--clock simulation`, data under `var/demo`), which it stops at the end unless `--keep-running`.

Every request carries a real actor token (issue 17, shopdemo.identity), signed with the keys of the
shop's identity directory (`--identity`; `<var>/identity` of a shop the demo starts, else
`var/identity`, make run's): first the roles are bootstrapped through the identity service (the
`shop-setup` program makes the first administrator, who grants each staff member their role), then
each staff member acts through the person issuer with the roles RolesOf returns, the platform's
orders come from the platform connector's key and the clock terminal's and carrier's reports from
the demo's own program key (`shop-demo`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import nats
from rich.console import Console
from rich.table import Table

from jetstream_es.settings import inbox_prefix
from shopdemo.client import Refused, ShopClient, SimClock, Unreachable, shop_services
from shopdemo.identity import Identity, IdentityUnavailable
from shopdemo.scenario import DemoReport, DemoSettings, ShopDay
from shopdemo.staff import COMPANY_ACCOUNT, READER, STAFF
from shopdemo.system import RunningShop, start_shop

console = Console()


def _port_open(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout=1):
            return True
    except OSError:
        return False


async def _all_answer(client: ShopClient) -> bool:
    try:
        for service in shop_services():
            await client.query(service, "Health")
    except (Unreachable, Refused):
        return False
    return True


def _table(title: str, rows: list[tuple[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key, value in rows:
        table.add_row(key, str(value))
    return table


def print_summary(report: DemoReport, sent: int, refused_total: int) -> None:
    s = report.summary
    console.rule(f"[bold]Shop day {report.day} (run {report.run})")
    console.print(_table("Orders by state", sorted(s["orders"].items())))
    day = s["shipping_day"]
    console.print(
        _table(
            "Shipping day",
            [("report", day["report_no"]), ("state", day["status"]), *sorted(day["counts"].items())],
        )
    )
    sla_by_rule = Counter(item["rule"] for item in s["sla"]["overdue"])
    complaints = s["complaints"]["counts"]
    console.print(
        _table(
            "SLA breaches and open work",
            [(f"order steps overdue ({rule})", n) for rule, n in sorted(sla_by_rule.items())]
            + [(f"complaints {name} (AS-15)", n) for name, n in sorted(complaints.items())],
        )
    )
    refunds = s["refunds"]["refunds"]
    refunded = sum((Decimal(r["amount"]) for r in refunds), Decimal(0))
    console.print(
        _table("Refunds (AS-9 ledger)", [("refunds issued", len(refunds)), ("amount (yuan)", refunded)])
    )
    console.print(
        _table(
            "Attendance",
            [
                ("lateness records", s["lateness"]),
                ("absences", s["absences"]),
                ("absence fines (yuan)", s["fines"]),
            ],
        )
    )
    payroll = s["payroll"]
    slips = payroll["payslips"]
    console.print(
        _table(
            f"Payroll {report.month}",
            [
                ("status", payroll["status"]),
                ("pay day (HR-33)", payroll.get("pay_date", "-")),
                ("payslips", len(slips)),
                ("net total (yuan)", sum((Decimal(p["net"]) for p in slips), Decimal(0))),
                ("payable total (yuan)", sum((Decimal(p["payable"]) for p in slips), Decimal(0))),
                ("deferred to next month (HR-35)", sum(1 for p in slips if p["deferred"])),
            ],
        )
    )
    print_month_pay(report)
    console.print(
        _table(
            "Commands",
            [("sent", sent), ("refused (part of the day)", refused_total)]
            + [(f"  {k}", v) for k, v in sorted(report.refused.items())],
        )
    )
    for key, message in sorted(report.reasons.items()):
        console.print(f"  [dim]{key}: {message}[/dim]")


def print_month_pay(report: DemoReport) -> None:
    """Out-of-hours cover (DUTY-2, DUTY-3), the month's net sales (ORD-16) and each payslip's
    performance pay and commission with the KPI event it came from (KPI-2..KPI-5, HR-41)."""
    s = report.summary
    cover = [
        (
            f"{c['at'][:16]} ({c['customer_service']['basis']})",
            ", ".join(e.removeprefix(f"{report.run}-") for e in c["customer_service"]["on_duty"]) or "-",
        )
        for c in s.get("on_duty", [])
    ]
    if cover:
        console.print(_table("Customer service out of hours (DUTY-2, DUTY-3)", cover))
    sales = s["sales"]
    console.print(
        _table(
            f"Sales {report.month} (ORD-16)",
            [("orders", sales.get("orders")), ("refunds", sales.get("refunds")), ("net", sales.get("net"))],
        )
    )
    performance = {f["employee_id"]: f for f in s["month_pay"].get("figures", []) if "target" in f}
    table = Table(title=f"Month pay {report.month}: KPI's figures on the payslips", title_justify="left")
    for column in ("who", "position", "target", "net", "done", "perf. pay", "commission"):
        table.add_column(column, justify="left" if column in ("who", "position") else "right")
    sources: list[str] = []
    for slip in s["payslips"]:
        who = slip["employee_id"].removeprefix(f"{report.run}-")
        perf = performance.get(slip["employee_id"])
        lines = {line["kind"]: line for line in slip["lines"]}
        cells = []
        for kind in ("performance_pay", "commission"):
            line = lines.get(kind)
            cells.append(f"{line['amount']} {line['rule']}" if line else "-")
            if line:
                sources.append(
                    f"{who} {kind.replace('_', ' ')} {line['amount']}: {', '.join(line['sources'])}"
                )
        table.add_row(
            who,
            "cs" if perf and perf["position"] == "customer_service" else (perf["position"] if perf else "-"),
            str(perf["target"]) if perf else "-",
            str(perf["actual"]) if perf else "-",
            f"{Decimal(str(perf['completion'])) * 100:.1f}%" if perf else "typed",
            *cells,
        )
    console.print(table)
    console.print(
        "  [dim]each line's source (kpi:<event id> from KPI, command:<id> typed by HR, HR-41):[/dim]"
    )
    for line in sources:
        console.print(f"  [dim]{line}[/dim]")


DEMO_USER = "shop-demo"
"""The demo's NATS user in a cluster (its own inboxes `_INBOX_shop-demo.>`, decision 0010)."""


def nats_credentials(args: argparse.Namespace) -> dict[str, str]:
    """`user` / `password` for a cluster (`--nats-user`, `SHOP_NATS_USER` / `SHOP_NATS_PASSWORD`:
    `shop-demo.env`) and the inbox prefix of that user; the embedded `make run` needs none."""
    user = args.nats_user or os.environ.get("SHOP_NATS_USER") or DEMO_USER
    options = {"inbox_prefix": inbox_prefix(user)}
    password = os.environ.get("SHOP_NATS_PASSWORD")
    if args.nats_user or password:
        options |= {"user": user, "password": password or ""}
    return options


async def run(args: argparse.Namespace) -> int:
    started: RunningShop | None = None
    url = args.url
    if not _port_open(url):
        if args.no_start:
            console.print(f"[red]no shop answers at {url}[/red] (run `make run` or drop --no-start)")
            return 2
        port = urlparse(url).port or 4222
        console.print(f"starting the shop on the simulation clock at {url} (data in {args.var}) ...")
        started = await asyncio.to_thread(
            start_shop,
            Path(args.var),
            port,
            args.monitor_port,
            clock="simulation",
            env={"ORDERS_COMPANY_ACCOUNTS": json.dumps([COMPANY_ACCOUNT])},
        )
    nc = await nats.connect(url, connect_timeout=2, **nats_credentials(args))
    client = ShopClient(nc, prefix=f"demo-s{args.seed}", timeout=30)
    try:
        if not await _all_answer(client):
            console.print(
                f"[red]not every service answers at {url}[/red]: {', '.join(shop_services())} are needed"
            )
            return 2
        directory = Path(args.identity or (Path(args.var) / "identity" if started else "var/identity"))
        client.identity = Identity(nc, directory, program="shop-demo", timeout=30)
        client.reader = READER
        try:
            granted = await client.identity.bootstrap((person.id, person.roles) for person in STAFF)
        except IdentityUnavailable as exc:
            console.print(
                f"[red]identity: {exc}[/red] (is --identity the running shop's identity directory?)"
            )
            return 2
        console.log(f"identity: {len(granted)} staff granted their roles (keys in {directory})")
        clock = SimClock(client)
        settings = DemoSettings(orders=args.orders, staff=args.staff, seed=args.seed)
        with console.status("starting") as status:

            def progress(step: str) -> None:
                status.update(f"[bold]{step}[/bold]")
                console.log(step)

            try:
                report = await ShopDay(client, clock, settings, ZoneInfo(args.tz), progress).run()
            except TimeoutError as exc:
                console.print(
                    f"[red]{exc}[/red]\nIs the running shop on the simulation clock? Start it with "
                    "`SHOP_CLOCK=simulation make run`, or stop it and let `make demo` start one."
                )
                return 2
        if report.refused.get("RecordPayment: ORD-12"):
            console.print(
                f"[yellow]payments were refused (ORD-12): start the shop with "
                f"ORDERS_COMPANY_ACCOUNTS='[\"{COMPANY_ACCOUNT}\"]'[/yellow]"
            )
        print_summary(report, client.sent, client.refused)
        if args.json:
            text = json.dumps(report.summary, indent=2, ensure_ascii=False, default=str)
            await asyncio.to_thread(Path(args.json).write_text, text)
        return 0
    finally:
        await nc.close()
        if started is not None and not args.keep_running:
            console.print("stopping the shop the demo started")
            await asyncio.to_thread(started.stop)
        elif started is not None:
            console.print(
                f"the shop keeps running at {url}; stop it with Ctrl-C in its terminal or kill {started.process.pid}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Drive a simulated shop day through the public commands.")
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    parser.add_argument("--orders", type=int, default=20, help="orders arriving over the day")
    parser.add_argument("--staff", type=int, default=6, help="staff on the day's rota")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same day")
    parser.add_argument(
        "--tz", default="Asia/Shanghai", help="the shop's business time zone (SHOP_BUSINESS_TZ)"
    )
    parser.add_argument("--var", default="var/demo", help="data folder of a shop the demo starts")
    parser.add_argument(
        "--identity",
        help="the shop's identity directory (keys/, trust.json): <var>/identity of a shop the demo "
        "starts, else var/identity (make run's); SHOP_IDENTITY_DIR",
        default=os.environ.get("SHOP_IDENTITY_DIR"),
    )
    parser.add_argument("--monitor-port", type=int, default=8322)
    parser.add_argument(
        "--nats-user",
        help=f"NATS user in a cluster (default SHOP_NATS_USER, else {DEMO_USER}); password from SHOP_NATS_PASSWORD",
    )
    parser.add_argument("--no-start", action="store_true", help="never start a shop; fail if none runs")
    parser.add_argument("--keep-running", action="store_true", help="leave a shop the demo started running")
    parser.add_argument("--json", help="also write the summary as JSON to this file")
    args = parser.parse_args(argv)
    if args.orders < 1 or args.staff < 2:
        parser.error("--orders must be at least 1 and --staff at least 2")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
