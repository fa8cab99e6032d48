"""Who may do what on the shipping side by default (rules.md §0 roles; FUL-1 actors, FUL-8, FUL-10;
conflict C9: the table is a setting; SM-SHIP: who answers a recall is also who is asked).

`COMMAND_ROLES` (shipping) and `STOCK_COMMAND_ROLES` (stock ledger, stock_roles.py) are the
documented defaults; `FULFILMENT_COMMAND_ROLES` (read in bootstrap.py) replaces the roles of the
commands it names, and the resulting `CommandRoles` reaches the handlers on `ShippingPolicy.roles`
and `StockPolicy.roles`.

FUL-8: one person may hold both `order_clerk` and `warehouse_keeper`; roles are grants, so an actor
with both may do both halves of the job.
"""

from __future__ import annotations

from typing import Final

from fulfilment.domain.stock_roles import STOCK_COMMAND_ROLES
from jetstream_es.roles import CommandRoles

ORDER_CLERK: Final = "order_clerk"
KEEPER: Final = "warehouse_keeper"
AFTERSALES: Final = "aftersales_cs"
DEPT_SUPERVISOR: Final = "dept_supervisor"
DEPT_MANAGER: Final = "dept_manager"
SYSTEM: Final = "system"

SETTING: Final = "FULFILMENT_COMMAND_ROLES"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "GenerateDailyShippingReport": ((ORDER_CLERK,), "FUL-1"),
    "HandOverShippingPacket": ((ORDER_CLERK,), "FUL-1"),
    "FillDailyShippingReport": ((KEEPER,), "FUL-1"),
    "SubmitDailyShippingReport": ((KEEPER,), "FUL-7"),
    "DefineProductAccessories": ((KEEPER, DEPT_SUPERVISOR, DEPT_MANAGER), "FUL-4"),
    "CheckAccessories": ((KEEPER,), "FUL-4"),
    "RefuseOutbound": ((KEEPER,), "FUL-5"),
    "ResumeRefusedShipment": ((ORDER_CLERK,), "FUL-5"),
    "DispatchShipment": ((KEEPER,), "FUL-5"),
    "StampOutboundNote": ((KEEPER,), "FUL-6"),
    "ConfirmShipmentRecalled": ((KEEPER,), "SM-SHIP"),
    "DeclineShipmentRecall": ((KEEPER,), "SM-SHIP"),
    "RecordShipmentInTransit": ((KEEPER, AFTERSALES, SYSTEM), "FUL-11"),
    "RecordDelivery": ((KEEPER, AFTERSALES, SYSTEM), "FUL-11"),
    "ReportCourierException": ((AFTERSALES, SYSTEM), "FUL-10"),
    "ResolveCourierException": ((AFTERSALES, SYSTEM), "FUL-10"),
    "ReceiveReturnParcel": ((KEEPER,), "AS-6"),
}
"""Command name → (roles allowed, rule cited when refused)."""


ALL_COMMAND_ROLES: Final = {**COMMAND_ROLES, **STOCK_COMMAND_ROLES}
"""Every command of the service: one setting for both sides."""

DEFAULT_ROLES: Final = CommandRoles.configured(ALL_COMMAND_ROLES, setting=SETTING)
