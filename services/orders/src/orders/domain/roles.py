"""Who may do what to an order by default (rules.md §0 roles, SM-ORD actors; ORD-1..ORD-6, ORD-8,
ORD-10; conflict C9: the table is a setting).

`COMMAND_ROLES` is the documented default; `ORDERS_COMMAND_ROLES` (read in bootstrap.py) replaces
the roles of the commands it names, and the resulting `CommandRoles` reaches the decisions on
`OrderPolicy.roles`.
"""

from __future__ import annotations

from typing import Final

from jetstream_es.roles import CommandRoles

PLATFORM: Final = "platform"
SYSTEM: Final = "system"
BACKOFFICE: Final = "backoffice_order_staff"
SALES: Final = "sales_staff"
AFTERSALES: Final = "aftersales_cs"
PRODUCT_OPS: Final = "product_ops_staff"

SETTING: Final = "ORDERS_COMMAND_ROLES"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "PlaceOrder": ((PLATFORM,), "SM-ORD"),
    "RecordPayment": ((PLATFORM,), "SM-ORD"),
    "RecordBuyerRemark": ((SALES,), "ORD-8"),
    "MarkOrderViewed": ((BACKOFFICE,), "ORD-1"),
    "RecordCustomerContact": ((BACKOFFICE,), "ORD-2"),
    "ConfirmOrder": ((BACKOFFICE,), "ORD-7"),
    "HandOverOrder": ((BACKOFFICE,), "ORD-3"),
    "NotifyOutOfStock": ((AFTERSALES,), "ORD-10"),
    "CorrectOrderDetails": ((AFTERSALES,), "ORD-6"),
    "BackUpOrders": ((BACKOFFICE, SYSTEM), "ORD-4"),
}
"""Command name → (roles allowed, rule cited when refused). CorrectOrderDetails by anyone else is
not `forbidden` but refused and recorded (ORD-5, see corrections.py)."""

DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=SETTING)
