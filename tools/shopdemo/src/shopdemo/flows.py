"""Steps of the shop's flows as the staff perform them, through public commands only.

Each function is one step or a short run of steps of a rule's sequence (ORD-7 order
confirmation, FUL-1 shipping, AS-2..AS-8 refunds, HR-7.. attendance); the demo and the
end-to-end tests compose them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopdemo.client import ShopClient
from shopdemo.staff import BACKOFFICE, COMPANY_ACCOUNT, PLATFORM, PRODUCT_OPS, SALES


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    unit_price: Decimal

    def wire(self) -> dict[str, Any]:
        return {"sku": self.sku, "quantity": self.quantity, "unit_price": str(self.unit_price)}


def amount(lines: tuple[Line, ...]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), Decimal(0))


async def place_order(
    client: ShopClient, order_id: str, lines: tuple[Line, ...], *, buyer_id: str = "buyer-1"
) -> None:
    """The platform records a binding order (ORD-5)."""
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
            "sales_owner": SALES.id,
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
