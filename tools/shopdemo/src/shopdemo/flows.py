"""Steps of the shop's flows as the staff perform them, through public commands only.

Each function is one step or a short run of steps of a rule's sequence (SM-LIST/CAT-1 listing a
product, ORD-7 order confirmation, FUL-1 shipping, AS-2..AS-8 refunds, HR-7.. attendance); the demo and the
end-to-end tests compose them.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopdemo.client import Actor, ShopClient, SimClock
from shopdemo.staff import (
    AFTERSALES,
    ARTIST,
    BACKOFFICE,
    BUYER,
    COMPANY_ACCOUNT,
    CS_SUPERVISOR,
    DEPT_MANAGER,
    ECOM_SUPERVISOR,
    HR_DEPT,
    KEEPER,
    ORDER_CLERK,
    PLATFORM,
    PRODUCT_OPS,
    SALES,
    SUPERVISOR,
    SYSTEM,
    TECHNICIAN,
)


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    unit_price: Decimal

    def wire(self) -> dict[str, Any]:
        return {"sku": self.sku, "quantity": self.quantity, "unit_price": str(self.unit_price)}


# --- the catalogue: a product from selection to listing (SM-LIST, CAT-1, CAT-6, CAT-8) ---


async def list_product(
    client: ShopClient,
    sku: str,
    name: str,
    price: Decimal,
    *,
    category: str,
    specifications: dict[str, str],
    accessories: tuple[str, ...] = (),
) -> None:
    """The listing flow of 000's chart, each step by its role: the supervisor selects and
    positions the product, sales brief its selling points, the supervisor photographs it, the
    technician retouches, the manager approves the images (CAT-1) and the launch (CAT-6), the
    artist edits the detail page (with the accessory list fulfilment checks, FUL-4), the
    supervisor prices (CAT-11) and lists it (CAT-8). Orders sell only listed products (CAT-7)."""
    image = {"ref": f"img/{sku}/front.jpg", "kind": "image", "size_bytes": 180_000}
    steps: list[tuple[str, dict[str, Any], Actor]] = [
        ("SelectProduct", {"name": name, "category": category, "positioning": "店鋪主推"}, SUPERVISOR),
        ("RecordSellingPoints", {"selling_points": [f"{name}: 正品保證"]}, SALES),
        ("RecordPhotography", {"images": [image], "with_staff": [ARTIST.id]}, SUPERVISOR),
        ("RetouchImages", {"images": [image]}, TECHNICIAN),
        ("ReviewProductImages", {"decision": "approve"}, DEPT_MANAGER),
        (
            "EditDetailPage",
            {"name": name, "specifications": specifications, "accessories": list(accessories)},
            ARTIST,
        ),
        ("ApproveLaunch", {}, DEPT_MANAGER),
        ("SetPrice", {"price": str(price)}, SUPERVISOR),
        ("ListProduct", {}, SUPERVISOR),
    ]
    for command, body, actor in steps:
        await client.send("catalog", command, {"sku": sku, **body}, actor=actor)


async def define_accessories(client: ShopClient, sku: str, accessories: tuple[str, ...]) -> None:
    """The product's accessory list the keeper checks before dispatch (FUL-4), kept by the
    catalogue (decision 0011): the artist sets it on a product the catalogue has selected."""
    await client.send(
        "catalog", "SetAccessories", {"sku": sku, "accessories": list(accessories)}, actor=ARTIST
    )


def amount(lines: tuple[Line, ...]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), Decimal(0))


async def place_order(
    client: ShopClient,
    order_id: str,
    lines: tuple[Line, ...],
    *,
    buyer_id: str = "buyer-1",
    sales_owner: str = SALES.id,
) -> None:
    """The platform records a binding order (ORD-5) for its sales owner (ORD-13), whose net sales
    KPI counts against their target (ORD-16, KPI-2)."""
    await client.send(
        "orders",
        "PlaceOrder",
        {
            "order_id": order_id,
            "lines": [line.wire() for line in lines],
            "buyer_id": buyer_id,
            "shipping": {
                "recipient": "王小明",
                "phone": "13800000000",
                "address": "上海市浦东新区世纪大道100号",
            },
            "channel": "tmall",
            "sales_owner": sales_owner,
        },
        actor=PLATFORM,
    )


async def pay(client: ShopClient, order_id: str, lines: tuple[Line, ...]) -> None:
    """The buyer pays the full amount into the company's account (ORD-12, ORD-14)."""
    await client.send(
        "orders",
        "RecordPayment",
        {
            "order_id": order_id,
            "amount": str(amount(lines)),
            "payee_account": COMPANY_ACCOUNT,
            "payment_ref": f"pay-{order_id}",
        },
        actor=PLATFORM,
    )


async def remark_contact_confirm(client: ShopClient, order_id: str) -> None:
    """Sales record the logistics method (ORD-8), the back office contacts the customer and
    confirms (ORD-2, ORD-7)."""
    await client.send(
        "orders",
        "RecordBuyerRemark",
        {"order_id": order_id, "logistics_method": "SF-Express", "requirements": "送貨前電話聯繫"},
        actor=SALES,
    )
    await client.send(
        "orders",
        "RecordCustomerContact",
        {"order_id": order_id, "details_verified": True, "note": "地址電話已核對"},
        actor=BACKOFFICE,
    )
    await client.send("orders", "ConfirmOrder", {"order_id": order_id}, actor=BACKOFFICE)


async def hand_over(client: ShopClient, order_id: str) -> None:
    """The confirmed order goes to product operations within 24 hours (ORD-3)."""
    await client.send(
        "orders", "HandOverOrder", {"order_id": order_id, "to_staff_id": PRODUCT_OPS.id}, actor=BACKOFFICE
    )


async def order_ready_to_ship(client: ShopClient, order_id: str, lines: tuple[Line, ...]) -> None:
    """Placed, paid, remarked, contacted, confirmed and handed over."""
    await place_order(client, order_id, lines)
    await pay(client, order_id, lines)
    await remark_contact_confirm(client, order_id)
    await hand_over(client, order_id)


# --- fulfilment: the stock ledger and the 14:00 batch (FUL-1..FUL-7, FUL-12, FUL-20) ---


async def stock_up(client: ShopClient, sku: str, quantity: int, lot_no: str, name: str) -> None:
    """The keeper receives a delivery that matches its note and passed inspection (FUL-12, FUL-22)."""
    await client.send(
        "fulfilment",
        "ReceiveInbound",
        {
            "sku": sku,
            "lot_no": lot_no,
            "supplier": "上海茶葉有限公司",
            "delivery_note_no": f"DN-{lot_no}",
            "note_name": name,
            "note_quantity": quantity,
            "received_name": name,
            "received_quantity": quantity,
            "label": {
                "name": name,
                "specification": "250g",
                "model": sku,
                "production_date": "2026-09-01",
                "shelf_life_days": 730,
                "safety_warning": "存放於陰涼乾燥處",
            },
            "inspection": "passed",
        },
        actor=KEEPER,
    )


async def generate_report(client: ShopClient, batch_date: dt.date) -> dict[str, Any]:
    """At 14:00 the order clerk makes the daily report and prints the documents (FUL-1, FUL-2);
    returns the shipping day. It waits until every service has applied what came before, so the
    report takes every order queued by now."""
    await client.quiesce()
    await client.send(
        "fulfilment", "GenerateDailyShippingReport", {"batch_date": batch_date.isoformat()}, actor=ORDER_CLERK
    )
    await client.quiesce(["fulfilment"])
    return await shipping_day(client, batch_date)


async def shipping_day(client: ShopClient, batch_date: dt.date, page: int = 200) -> dict[str, Any]:
    """The shipping day with every one of its shipments: GetShippingDay answers one page at a time
    (`total` shipments in all), so this reads page after page."""
    body: dict[str, Any] = {"batch_date": batch_date.isoformat(), "limit": page, "offset": 0}
    day: dict[str, Any] = await client.query("fulfilment", "GetShippingDay", body)
    shipments = list(day["shipments"])
    while len(shipments) < day["total"]:
        more = await client.query("fulfilment", "GetShippingDay", {**body, "offset": len(shipments)})
        if not more["shipments"]:
            break
        shipments.extend(more["shipments"])
    return {**day, "shipments": shipments, "limit": len(shipments)}


async def hand_over_packet(client: ShopClient, day: dict[str, Any]) -> None:
    """The clerk hands the four kinds of documents to the keeper (FUL-3)."""
    shipments = [s for s in day["shipments"] if s["documents"]["waybill_no"]]
    await client.send(
        "fulfilment",
        "HandOverShippingPacket",
        {
            "batch_date": day["batch_date"],
            "to_keeper": KEEPER.id,
            "report_no": day["report_no"],
            "waybill_nos": [s["documents"]["waybill_no"] for s in shipments],
            "outbound_note_nos": [s["documents"]["outbound_note_no"] for s in shipments],
            "invoice_nos": [s["documents"]["invoice_no"] for s in shipments],
        },
        actor=ORDER_CLERK,
    )


async def ship(client: ShopClient, shipment_id: str, accessories: tuple[str, ...]) -> None:
    """The keeper checks the accessories, ships against the outbound note and stamps it (FUL-4..FUL-6)."""
    await client.send(
        "fulfilment",
        "CheckAccessories",
        {"shipment_id": shipment_id, "present": list(accessories)},
        actor=KEEPER,
    )
    await client.send(
        "fulfilment", "DispatchShipment", {"shipment_id": shipment_id, "carrier": "SF"}, actor=KEEPER
    )
    await client.send("fulfilment", "StampOutboundNote", {"shipment_id": shipment_id}, actor=KEEPER)


async def close_day(client: ShopClient, batch_date: dt.date) -> None:
    """The keeper fills in the daily report and hands it to the department manager (FUL-7)."""
    body = {"batch_date": batch_date.isoformat()}
    await client.send("fulfilment", "FillDailyShippingReport", body, actor=KEEPER)
    await client.send(
        "fulfilment", "SubmitDailyShippingReport", {**body, "to_manager": DEPT_MANAGER.id}, actor=KEEPER
    )


async def deliver(client: ShopClient, shipment_id: str) -> None:
    """The carrier reports the delivery (FUL-11)."""
    await client.send("fulfilment", "RecordDelivery", {"shipment_id": shipment_id}, actor=SYSTEM)


# --- after-sales: refunds and returns (AS-1..AS-9) ---


async def request_refund(
    client: ShopClient,
    case_id: str,
    order_id: str,
    *,
    received: bool,
    reason: str,
    buyer: str = BUYER.id,
    amount: Decimal | None = None,
) -> None:
    """The order's buyer asks for a refund with a reason (AS-1), saying whether the goods arrived;
    `amount` refunds the order in part (else what is left of it)."""
    body: dict[str, Any] = {
        "case_id": case_id,
        "order_id": order_id,
        "reason": reason,
        "goods_received": received,
    }
    if amount is not None:
        body["amount"] = str(amount)
    await client.send("aftersales", "RequestRefund", body, actor=Actor(buyer, BUYER.roles))


async def approve_refund(client: ShopClient, case_id: str) -> None:
    await client.send("aftersales", "ApproveRefundRequest", {"case_id": case_id}, actor=SUPERVISOR)


async def issue_refund(client: ShopClient, case_id: str) -> None:
    await client.send(
        "aftersales", "IssueRefund", {"case_id": case_id, "platform_ref": f"TB-{case_id}"}, actor=SUPERVISOR
    )


async def return_goods(
    client: ShopClient, case_id: str, order_id: str, accessories: tuple[str, ...], *, buyer: str = BUYER.id
) -> None:
    """The buyer ships the goods back; the warehouse receives the parcel, the clerk issues the
    return note, after-sales inspects and confirms receipt (AS-4, AS-6, AS-7)."""
    waybill = f"RB-{case_id}"
    await client.send(
        "aftersales",
        "RecordReturnDispatch",
        {"case_id": case_id, "waybill_no": waybill},
        actor=Actor(buyer, BUYER.roles),
    )
    await client.quiesce(["fulfilment"])
    await client.send(
        "fulfilment",
        "ReceiveReturnParcel",
        {"case_id": case_id, "waybill_no": waybill, "order_id": order_id},
        actor=KEEPER,
    )
    await client.quiesce(["aftersales"])
    await client.send(
        "aftersales", "IssueReturnNote", {"case_id": case_id, "return_reason": "質量問題"}, actor=ORDER_CLERK
    )
    await client.send(
        "aftersales",
        "InspectReturn",
        {"case_id": case_id, "goods_match": True, "accessories_present": list(accessories)},
        actor=AFTERSALES,
    )
    await client.send("aftersales", "ConfirmReturnReceipt", {"case_id": case_id}, actor=AFTERSALES)


# --- HR: staff, shifts, clock records, leave and payroll (HR-1..HR-42) ---


async def onboard(client: ShopClient, employee_id: str, name: str, join_date: dt.date) -> None:
    """HR takes a team member on with ID copy and file, and records the passed safety exam
    (HR-38, DIS-6, DIS-13)."""
    await client.send(
        "hr",
        "OnboardEmployee",
        {
            "employee_id": employee_id,
            "join_date": join_date.isoformat(),
            "post": "customer service",
            "grade": "team_member",
            "id_copy_received": True,
            "employee_file_completed": True,
            "personal": {
                "name": name,
                "id_number": f"31010119900101{zlib.crc32(employee_id.encode()) % 10000:04d}",
                "phone": "13900000000",
                "address": "上海市浦東新區",
                "bank_account": "6222000011112222",
            },
        },
        actor=HR_DEPT,
    )
    await client.send(
        "hr",
        "RecordSafetyTrainingResult",
        {"employee_id": employee_id, "passed": True, "taken_on": join_date.isoformat(), "score": 90},
        actor=HR_DEPT,
    )


async def assign_shift(
    client: ShopClient, employee_id: str, day: dt.date, shift: str = "administrative"
) -> None:
    await client.send(
        "hr",
        "AssignShift",
        {"employee_id": employee_id, "work_date": day.isoformat(), "shift": shift},
        actor=ECOM_SUPERVISOR,
    )


async def publish_weekend_rota(
    client: ShopClient, saturday: dt.date, saturday_staff: tuple[str, ...], sunday_staff: tuple[str, ...]
) -> None:
    """The customer-service supervisor names who covers customer service on the Saturday and the
    Sunday (DUTY-2); each must hold a customer-service role and not be on leave that day."""
    await client.send(
        "hr",
        "PublishWeekendCsRota",
        {
            "saturday": saturday.isoformat(),
            "saturday_staff": list(saturday_staff),
            "sunday_staff": list(sunday_staff),
        },
        actor=CS_SUPERVISOR,
    )


async def designate_duty_manager(
    client: ShopClient, designation_id: str, manager_id: str, start: dt.date, end: dt.date
) -> None:
    """The duty customer-service manager takes the 400 hotline outside 08:50-18:10 on the nights
    from `start` to `end` (DUTY-3, AS-22)."""
    await client.send(
        "hr",
        "DesignateDutyManager",
        {
            "designation_id": designation_id,
            "manager_id": manager_id,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        actor=CS_SUPERVISOR,
    )


async def clock_in(client: ShopClient, clock: SimClock, employee_id: str, at: dt.datetime) -> None:
    """The attendance terminal's record decides (HR-10). The service stamps the punch with its own
    clock, so the driver moves the simulation clock to the arrival and sends no time."""
    await clock.set(at, services=("hr",))
    await client.send("hr", "RecordClockIn", {"employee_id": employee_id}, actor=SYSTEM)


async def clock_out(client: ShopClient, clock: SimClock, employee_id: str, at: dt.datetime) -> None:
    await clock.set(at, services=("hr",))
    await client.send("hr", "RecordClockOut", {"employee_id": employee_id}, actor=SYSTEM)


async def calculate_payroll(
    client: ShopClient, period: str, employee_ids: tuple[str, ...], *, from_kpi: frozenset[str] = frozenset()
) -> None:
    """HR calculates the month's payroll after it ended (HR-33..HR-41). The employees in
    `from_kpi` have KPI's performance pay and commission (KPI-2..KPI-5), which HR does not type
    (HR-41); the others' plan completion is typed (HR-40)."""
    inputs = [
        {"employee_id": e} if e in from_kpi else {"employee_id": e, "completion": "1"} for e in employee_ids
    ]
    await client.send("hr", "CalculatePayroll", {"period": period, "inputs": inputs}, actor=HR_DEPT)


# --- KPI: next month's targets and the month's pay (KPI-2..KPI-5, KPI-11, ORD-16) ---


async def set_monthly_target(
    client: ShopClient, month: str, employee_id: str, position: str, target: Decimal
) -> None:
    """The department supervisor sets a promoter's or customer-service employee's net-sales target
    for next month, before the 30th of this one (KPI-5)."""
    await client.send(
        "kpi",
        "SetMonthlyTarget",
        {"month": month, "employee_id": employee_id, "position": position, "target": str(target)},
        actor=SUPERVISOR,
    )


async def acknowledge_daily_login(client: ShopClient, employee: Actor) -> None:
    """The employee confirms the day's log-in to the sales Aliwangwang account and the work QQ
    (KPI-11); after 09:00 it is recorded late."""
    await client.send("kpi", "AcknowledgeDailyLogin", {"accounts": ["aliwangwang", "qq"]}, actor=employee)


async def calculate_month_pay(client: ShopClient, month: str) -> dict[str, Any]:
    """After the month ended the supervisor has KPI compute each target holder's performance pay
    and commission from the month's net sales (KPI-2..KPI-5, ORD-16); HR's payroll takes them as
    events. Recalculating with the same facts appends nothing."""
    return await client.send("kpi", "CalculateMonthPay", {"month": month}, actor=SUPERVISOR)
