"""Who may do what to an order (rules.md §0 roles, SM-ORD actors; ORD-1..ORD-3, ORD-8, ORD-10)."""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

PLATFORM: Final = "platform"
SYSTEM: Final = "system"
BACKOFFICE: Final = "backoffice_order_staff"
SALES: Final = "sales_staff"
AFTERSALES: Final = "aftersales_cs"
PRODUCT_OPS: Final = "product_ops_staff"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "PlaceOrder": ((PLATFORM,), "SM-ORD"),
    "RecordPayment": ((PLATFORM,), "SM-ORD"),
    "RecordBuyerRemark": ((SALES,), "ORD-8"),
    "MarkOrderViewed": ((BACKOFFICE,), "ORD-1"),
    "RecordCustomerContact": ((BACKOFFICE,), "ORD-2"),
    "ConfirmOrder": ((BACKOFFICE,), "ORD-7"),
    "HandOverOrder": ((BACKOFFICE,), "ORD-3"),
    "NotifyOutOfStock": ((AFTERSALES,), "ORD-10"),
}
"""Command name → (roles allowed, rule cited when refused). CorrectOrderDetails is not here: a
wrong actor's attempt to change an order is itself recorded (ORD-5, see corrections.py)."""


def require_role(actor: Actor, command: str) -> None:
    roles, rule = COMMAND_ROLES[command]
    if not actor.has_any(*roles):
        raise Forbidden(f"{command} needs the role {' or '.join(roles)}; {actor.id} has none of them", rule)
