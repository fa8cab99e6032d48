"""A simulated shop month, driven through the public commands only (issue 10, issue 19, `make demo`).

Before the month (on the next working morning, before the 30th: KPI-5): goods are received, the
catalogue lists the shop's products (SM-LIST, CAT-1, CAT-7), HR takes the staff on, the department
supervisor sets next month's net-sales targets for the promotion and customer-service staff
(KPI-5), the customer-service supervisor publishes the first weekend's customer-service rota
(DUTY-2) and designates the week's duty manager for the nights (DUTY-3).

The shop's day, on the first working morning of that month: staff clock in (some late, one
absent) and acknowledge their daily log-in (KPI-11), orders arrive over the morning for their
sales owners (some never paid, some out of stock, some corrected before confirmation, a few after
the 14:00 cut-off), the back office confirms them, the 14:00 batch prints and ships
(FUL-1..FUL-7), after-sales handles a refund before shipping and complaints, staff clock out and
the day is evaluated (SM-DAY). The next days bring deliveries and a return within 7 days
(AS-4..AS-9). At month end KPI computes each target holder's performance pay and commission from
the month's sales net of refunds (KPI-2..KPI-5, ORD-16) and HR's payroll takes them, each payslip
line naming its KPI event (HR-33, HR-40, HR-41). Every random choice comes from one seeded
generator, so a run is repeatable with `--seed`.

A refused command is counted and reported with its rule, never hidden: some refusals are part of
the day (paying an unpaid order is not attempted; an out-of-stock shipment cannot be dispatched).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shopdemo import flows
from shopdemo.client import Actor, Refused, ShopClient, SimClock
from shopdemo.flows import Line
from shopdemo.staff import AFTERSALES, BACKOFFICE, DIRECT_SUPERVISOR, HR_DEPT, KEEPER, READER

Step = Callable[[str], None]


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: Decimal
    stock: int
    accessories: tuple[str, ...] = ()
    category: str = "accessories"
    specifications: dict[str, str] = field(default_factory=dict)


CATALOGUE = (
    Product("TEA-LJ", "西湖龍井", Decimal("128.00"), 200, specifications={"material": "綠茶 250g"}),
    Product("TEA-PE", "普洱餅茶", Decimal("268.00"), 120, specifications={"material": "普洱 357g"}),
    Product(
        "KETTLE",
        "電熱水壺",
        Decimal("399.00"),
        40,
        ("電源線", "濾網"),
        "electronics",
        {"model": "K-17", "power": "1800W", "warranty": "1年"},
    ),
    Product(
        "TEASET",
        "青瓷茶具套裝",
        Decimal("688.00"),
        3,
        ("禮盒", "說明書"),
        specifications={"material": "青瓷"},
    ),
)
"""The shop's products, listed through the catalogue before the first order (CAT-7)."""

TARGETS = {
    "promoter": (Decimal("2500.00"), Decimal("8000.00")),
    "customer_service": (Decimal("3000.00"), Decimal("4000.00"), Decimal("20000.00")),
}
"""Next month's net-sales targets (KPI-5) by position, given in turn to its people: some beat the
plan (KPI-2's bonus), some fall under the 30 % floor (no pay for a promoter, no commission)."""
ROLES = {"promoter": "promotion_specialist", "customer_service": "presales_cs"}
"""The role each target holder acts in: customer service may cover the weekend rota (DUTY-2)."""


@dataclass
class DemoSettings:
    orders: int = 20
    staff: int = 6
    seed: int = 1
    unpaid_share: float = 0.1
    correction_share: float = 0.1
    late_share: float = 0.25
    refund_share: float = 0.1
    return_share: float = 0.1


@dataclass
class DemoReport:
    """What happened, for the summary a department manager reads."""

    day: dt.date
    month: str
    run: str
    orders: list[str] = field(default_factory=list)
    buyers: dict[str, str] = field(default_factory=dict)
    paid: list[str] = field(default_factory=list)
    shipped: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)
    employees: list[str] = field(default_factory=list)
    positions: dict[str, str] = field(default_factory=dict)
    setup_day: dt.date | None = None
    summary: dict[str, Any] = field(default_factory=dict)


def _next_working_morning(after: dt.datetime | None, tz: ZoneInfo) -> dt.datetime:
    """08:00 on the next Monday-to-Friday day after `after` (today's date if the clock is unset)."""
    start = (after.astimezone(tz) if after else dt.datetime.now(tz)).date() + dt.timedelta(days=1)
    return _working_morning(start, tz)


def _working_morning(start: dt.date, tz: ZoneInfo) -> dt.datetime:
    """08:00 on `start` or the first Monday-to-Friday day after it."""
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    return dt.datetime(start.year, start.month, start.day, 8, 0, tzinfo=tz)


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


TARGET_CUTOFF_DAY = 30
"""KPI-5: next month's targets are set before the 30th (KPI_POLICY__TARGET_CUTOFF_DAY's default;
a shorter month's last day)."""


def _setup_morning(after: dt.datetime | None, tz: ZoneInfo) -> dt.datetime:
    """The next working morning on which next month's targets may still be set (KPI-5): before
    the cut-off day, else the first working morning of the next month."""
    morning = _next_working_morning(after, tz)
    last_day = (_first_of_next_month(morning.date()) - dt.timedelta(days=1)).day
    if morning.day >= min(TARGET_CUTOFF_DAY, last_day):
        return _working_morning(_first_of_next_month(morning.date()), tz)
    return morning


class ShopDay:
    """One simulated day and what follows it, on a running shop."""

    def __init__(
        self, client: ShopClient, clock: SimClock, settings: DemoSettings, tz: ZoneInfo, progress: Step
    ) -> None:
        self.client = client
        self.clock = clock
        self.settings = settings
        self.tz = tz
        self.progress = progress
        self.rng = random.Random(settings.seed)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def refusal(self, refusal: Refused) -> None:
        key = f"{refusal.name}: {refusal.rule or refusal.code}"
        self.report.refused[key] += 1
        self.report.reasons.setdefault(key, refusal.message)

    def pick(self, items: list[str], share: float) -> list[str]:
        """A share of `items` (at least one when there are any), chosen by the seeded generator."""
        if not items:
            return []
        return sorted(self.rng.sample(items, max(1, round(share * len(items)))))

    async def attempt(self, what: str, step: Awaitable[Any]) -> bool:
        """Run one step; a refusal is counted under its rule and the day goes on."""
        try:
            await step
        except Refused as refusal:
            self.refusal(refusal)
            return False
        return True

    @property
    def holders(self) -> list[str]:
        """Who holds a target: everyone on the rota but the one who will not come."""
        return [e for e in self.report.employees if e in self.report.positions]

    async def run(self) -> DemoReport:
        setup = _setup_morning(await self.clock.now(), self.tz)
        start = _working_morning(_first_of_next_month(setup.date()), self.tz)
        day = start.date()
        run = f"d{day:%Y%m%d}s{self.settings.seed}"
        self.report = DemoReport(day=day, month=f"{day:%Y-%m}", run=run, setup_day=setup.date())
        await self.clock.set(setup)
        await self.stock_and_staff(setup.date(), run)
        await self.targets_and_duty(day, run)
        await self.clock.set(start)
        await self.rota(day)
        await self.morning(day, run)
        await self.batch(day)
        await self.evening(day)
        await self.following_days(day, run)
        await self.month_end(day)
        await self.summarise(day)
        return self.report

    async def stock_and_staff(self, today: dt.date, run: str) -> None:
        self.progress("goods received, products listed, staff taken on")
        for product in CATALOGUE:
            await self.attempt(
                "inbound",
                flows.stock_up(self.client, product.sku, product.stock, f"{run}-{product.sku}", product.name),
            )
            await self.attempt(
                "listing",
                flows.list_product(
                    self.client,
                    product.sku,
                    product.name,
                    product.price,
                    category=product.category,
                    specifications=product.specifications,
                    accessories=product.accessories,
                ),
            )
        await self.client.quiesce()  # orders and fulfilment have learnt the listed products
        names = ("張偉", "王芳", "李娜", "劉洋", "陳靜", "楊磊", "趙敏", "黃強")
        employees = [f"{run}-emp{index + 1}" for index in range(self.settings.staff)]
        holders = employees[:-1]  # the last one will not come on the day and holds no target
        promoters = holders[: len(holders) // 2]
        for employee in employees:
            self.report.employees.append(employee)
            if employee in holders:
                position = "promoter" if employee in promoters else "customer_service"
                self.report.positions[employee] = position
                await self.client.proven(Actor(employee, ("employee", ROLES[position])))
            await self.attempt(
                "onboard",
                flows.onboard(
                    self.client, employee, names[(len(self.report.employees) - 1) % len(names)], today
                ),
            )

    async def targets_and_duty(self, day: dt.date, run: str) -> None:
        """Before the 30th: next month's targets (KPI-5); the first weekend's customer-service rota
        (DUTY-2) and the duty manager for the nights of the shop's first week (DUTY-3)."""
        self.progress(f"targets for {self.report.month} (KPI-5), weekend rota and duty manager")
        given: Counter[str] = Counter()
        for employee in self.holders:
            position = self.report.positions[employee]
            target = TARGETS[position][given[position] % len(TARGETS[position])]
            given[position] += 1
            await self.attempt(
                "target", flows.set_monthly_target(self.client, self.report.month, employee, position, target)
            )
        for employee in self.report.employees:
            await self.attempt("shift", flows.assign_shift(self.client, employee, day))
        await self.client.quiesce(["hr"])  # HR has learnt who holds a customer-service role (DUTY-2)
        service = [e for e in self.holders if self.report.positions[e] == "customer_service"]
        if not service:
            return
        saturday = day + dt.timedelta(days=5 - day.weekday())
        await self.attempt(
            "weekend rota",
            flows.publish_weekend_rota(self.client, saturday, (service[0],), (service[-1],)),
        )
        await self.attempt(
            "duty manager",
            flows.designate_duty_manager(
                self.client, f"{run}-duty", service[0], day, saturday + dt.timedelta(days=1)
            ),
        )

    async def rota(self, day: dt.date) -> None:
        """Who covers customer service out of hours, as anyone may ask (DUTY-1..DUTY-3)."""
        saturday = day + dt.timedelta(days=5 - day.weekday())
        when = (self.at(saturday, 10), self.at(day, 20))
        self.report.summary["on_duty"] = [
            await self.client.query("hr", "WhoIsOnDuty", {"at": at.isoformat()}, actor=READER) for at in when
        ]

    async def morning(self, day: dt.date, run: str) -> None:
        self.progress("staff clock in")
        absent = self.report.employees[-1]
        arrivals: list[tuple[dt.datetime, str]] = []
        for employee in self.report.employees:
            if employee == absent:
                continue
            late = self.rng.random() < self.settings.late_share
            minute = self.rng.randint(35, 95) if late else self.rng.randint(0, 25)
            arrivals.append((self.at(day, 8) + dt.timedelta(minutes=minute), employee))
        for arrival, employee in sorted(arrivals):  # the clock moves forward to each punch (HR-10)
            await self.attempt("clock in", flows.clock_in(self.client, self.clock, employee, arrival))
            if position := self.report.positions.get(employee):  # KPI-11: late after 09:00
                actor = Actor(employee, ("employee", ROLES[position]))
                await self.attempt("log-in", flows.acknowledge_daily_login(self.client, actor))
        await self.clock.set(self.at(day, 9, 40))

        self.progress(f"{self.settings.orders} orders arrive")
        times = sorted(self.rng.randint(9 * 60 + 40, 15 * 60) for _ in range(self.settings.orders))
        for number, minute in enumerate(times, start=1):
            await self.clock.set(self.at(day, minute // 60, minute % 60))
            await self.one_order(f"{run}-o{number:03d}")
        await self.client.quiesce()

        self.progress("leave requests and complaints")
        first = self.report.employees[0]
        leave = {
            "leave_id": f"{run}-leave-1",
            "employee_id": first,
            "leave_type": "personal",
            "start_date": (day + dt.timedelta(days=7)).isoformat(),
            "end_date": (day + dt.timedelta(days=8)).isoformat(),
            "reason": "家中有事",
        }
        requester = Actor(first, ("employee",))
        if await self.attempt("leave", self.client.send("hr", "SubmitLeave", leave, actor=requester)):
            await self.attempt(
                "approve leave",
                self.client.send(
                    "hr", "ApproveLeave", {"leave_id": leave["leave_id"]}, actor=DIRECT_SUPERVISOR
                ),
            )
        for number in (1, 2):
            complaint = {
                "complaint_id": f"{run}-c{number}",
                "customer_id": f"buyer-{number}",
                "subject": "物流太慢" if number == 1 else "茶葉受潮",
            }
            await self.attempt(
                "complaint", self.client.send("aftersales", "RegisterComplaint", complaint, actor=AFTERSALES)
            )
        await self.attempt(
            "reply",
            self.client.send(
                "aftersales",
                "RespondToComplaint",
                {"complaint_id": f"{run}-c1", "response": "已聯繫快遞加急"},
                actor=AFTERSALES,
            ),
        )

    async def one_order(self, order_id: str) -> None:
        products = self.rng.sample(CATALOGUE, self.rng.randint(1, 2))
        lines = tuple(Line(p.sku, self.rng.randint(1, 2), p.price) for p in products)
        buyer = f"buyer-{self.rng.randint(1, 9)}"
        owner = self.rng.choice(self.holders) if self.holders else "sales-1"  # ORD-13, KPI-2
        if not await self.attempt(
            "place", flows.place_order(self.client, order_id, lines, buyer_id=buyer, sales_owner=owner)
        ):
            return
        self.report.orders.append(order_id)
        self.report.buyers[order_id] = buyer
        await self.attempt(
            "view", self.client.send("orders", "MarkOrderViewed", {"order_id": order_id}, actor=BACKOFFICE)
        )
        if self.rng.random() < self.settings.unpaid_share:
            return  # the buyer never pays: it stays Placed
        if not await self.attempt("pay", flows.pay(self.client, order_id, lines)):
            return
        self.report.paid.append(order_id)
        if self.rng.random() < self.settings.correction_share:
            await self.attempt(
                "correct",
                self.client.send(
                    "orders",
                    "CorrectOrderDetails",
                    {
                        "order_id": order_id,
                        "reason": "買家來電更正地址",
                        "changes": {"address": "上海市徐匯區漕溪北路88號"},
                    },
                    actor=AFTERSALES,
                ),
            )
        if await self.attempt("confirm", flows.remark_contact_confirm(self.client, order_id)):
            await self.attempt("hand over", flows.hand_over(self.client, order_id))

    async def batch(self, day: dt.date) -> None:
        self.progress("the 14:00 shipping batch")
        await self.clock.set(self.at(day, 15, 1))
        await self.client.quiesce()
        refunded = self.pick(
            self.report.paid, self.settings.refund_share
        )  # an unpaid order has no money to refund
        for order_id in refunded:  # goods not received: the shipment is cancelled (AS-3)
            case = f"{order_id}-r"
            if await self.attempt(
                "refund",
                flows.request_refund(
                    self.client,
                    case,
                    order_id,
                    received=False,
                    reason="changed_mind",
                    buyer=self.report.buyers[order_id],
                ),
            ) and await self.attempt("approve", flows.approve_refund(self.client, case)):
                await self.client.quiesce()
                await self.attempt("issue refund", flows.issue_refund(self.client, case))
        await self.client.quiesce()
        try:
            shipping_day = await flows.generate_report(self.client, day)
        except Refused as refusal:
            self.refusal(refusal)
            return
        await self.attempt("packet", flows.hand_over_packet(self.client, shipping_day))
        accessories = {p.sku: p.accessories for p in CATALOGUE}
        for shipment in shipping_day["shipments"]:
            if not shipment["documents"]["waybill_no"]:
                continue
            sid = shipment["shipment_id"]
            detail = await self.client.query("fulfilment", "GetShipment", {"shipment_id": sid})
            if detail["stock"] != "reserved":
                await self.attempt(
                    "refuse",
                    self.client.send(
                        "fulfilment",
                        "RefuseOutbound",
                        {"shipment_id": sid, "reason": "缺貨，等待入庫"},
                        actor=KEEPER,
                    ),
                )
                continue
            present = tuple(
                a for line in detail["details"].get("lines", []) for a in accessories.get(line["sku"], ())
            )
            if await self.attempt("ship", flows.ship(self.client, sid, present)):
                self.report.shipped.append(sid)
        await self.attempt("close day", flows.close_day(self.client, day))

    async def evening(self, day: dt.date) -> None:
        self.progress("staff clock out; the day is evaluated")
        absent = self.report.employees[-1]
        leaving = sorted(
            (self.at(day, 18) + dt.timedelta(minutes=self.rng.randint(0, 20)), employee)
            for employee in self.report.employees
            if employee != absent
        )
        for leave, employee in leaving:  # the clock moves forward to each punch (HR-10)
            await self.attempt("clock out", flows.clock_out(self.client, self.clock, employee, leave))
        await self.clock.set(self.at(day, 18, 45))
        await self.client.quiesce()

    async def following_days(self, day: dt.date, run: str) -> None:
        self.progress("deliveries and a return within 7 days")
        await self.clock.set(self.at(day + dt.timedelta(days=1), 11))
        for sid in self.report.shipped:
            await self.attempt("deliver", flows.deliver(self.client, sid))
        await self.client.quiesce()
        returns = self.pick(self.report.shipped, self.settings.return_share)
        await self.clock.set(self.at(day + dt.timedelta(days=3), 10))
        accessories = {p.sku: p.accessories for p in CATALOGUE}
        for sid in returns:
            detail = await self.client.query("fulfilment", "GetShipment", {"shipment_id": sid})
            present = tuple(
                a for line in detail["details"].get("lines", []) for a in accessories.get(line["sku"], ())
            )
            order_id, case = detail["order_id"], f"{detail['order_id']}-q"
            if not await self.attempt(
                "quality refund",
                flows.request_refund(
                    self.client,
                    case,
                    order_id,
                    received=True,
                    reason="quality",
                    buyer=self.report.buyers[order_id],
                ),
            ):
                continue
            await self.attempt("approve", flows.approve_refund(self.client, case))
            await self.client.quiesce()
            if await self.attempt(
                "return",
                flows.return_goods(self.client, case, order_id, present, buyer=self.report.buyers[order_id]),
            ):
                await self.client.quiesce()
                await self.attempt("issue refund", flows.issue_refund(self.client, case))
        await self.client.quiesce()

    async def month_end(self, day: dt.date) -> None:
        first_next = _first_of_next_month(day)
        self.progress(
            f"month end: KPI's performance pay and commission, HR's payroll for {self.report.month}"
        )
        await self.clock.set(self.at(first_next, 9))
        await self.client.quiesce()
        await self.attempt("month pay", flows.calculate_month_pay(self.client, self.report.month))
        await self.client.quiesce()  # HR's payroll has taken KPI's figures (hr-kpi-intake)
        await self.attempt(
            "payroll",
            flows.calculate_payroll(
                self.client,
                self.report.month,
                tuple(self.report.employees),
                from_kpi=frozenset(self.holders),
            ),
        )
        await self.client.quiesce()

    async def summarise(self, day: dt.date) -> None:
        self.progress("summary")
        q = self.client.query
        statuses: Counter[str] = Counter()
        for order_id in self.report.orders:
            statuses[(await q("orders", "GetOrder", {"order_id": order_id}))["status"]] += 1
        shipping = await flows.shipping_day(self.client, day)
        sla = await q("orders", "SlaBoard", {"upcoming": 0})
        complaints = await q("aftersales", "ComplaintBoard", {})
        ledger = await q(
            "aftersales",
            "RefundLedger",
            {"date_from": day.isoformat(), "date_to": (day + dt.timedelta(days=40)).isoformat()},
        )
        # HR reads attendance and payroll (HR-6: an employee's month is theirs and HR's to read)
        ladders = [
            await q("hr", "AbsenceLadder", {"employee_id": e, "year": day.year}, actor=HR_DEPT)
            for e in self.report.employees
        ]
        months = [
            await q("hr", "AttendanceMonth", {"employee_id": e, "month": self.report.month}, actor=HR_DEPT)
            for e in self.report.employees
        ]
        payroll = await q("hr", "PayrollPeriod", {"period": self.report.month}, actor=HR_DEPT)
        payslips = [
            await q("hr", "Payslip", {"period": self.report.month, "employee_id": e}, actor=HR_DEPT)
            for e in self.report.employees
        ]
        month_pay = await q("kpi", "MonthPay", {"month": self.report.month})
        sales = await q("kpi", "SalesReport", {"month": self.report.month})
        self.report.summary |= {
            "orders": dict(statuses),
            "shipping_day": {
                "status": shipping["status"],
                "report_no": shipping["report_no"],
                "counts": shipping["counts"],
            },
            "sla": sla,
            "complaints": complaints,
            "refunds": ledger,
            "absences": sum(len(ladder["absences"]) for ladder in ladders),
            "fines": str(sum((Decimal(ladder["fined"]) for ladder in ladders), Decimal(0))),
            "lateness": sum(int(m["lateness"]["count"]) for m in months),
            "payroll": payroll,
            "payslips": [slip for slip in payslips if slip],
            "month_pay": month_pay,
            "sales": sales,
        }
