"""Who may do what on the shipping side by default (rules.md §0 roles; FUL-1 actors, FUL-8, FUL-10;
conflict C9: the table is a setting; SM-SHIP: who answers a recall is also who is asked).

`COMMAND_ROLES` is the shipping side's table of documented defaults (the stock ledger has its own,
fulfilment/stock/domain/roles.py); `FULFILMENT_COMMAND_ROLES` (one setting for both tables, read in
bootstrap.py) replaces the roles of the commands it names, and the resulting `CommandRoles` reaches
the handlers on `ShippingPolicy.roles`.

FUL-8: one person may hold both `order_clerk` and `warehouse_keeper`; roles are grants, so an actor
with both may do both halves of the job.
"""

from __future__ import annotations

from typing import Final

from fulfilment.warehouse import ROLES_SETTING
from jetstream_es.roles import CommandRoles

ORDER_CLERK: Final = "order_clerk"
KEEPER: Final = "warehouse_keeper"
AFTERSALES: Final = "aftersales_cs"
DEPT_SUPERVISOR: Final = "dept_supervisor"
DEPT_MANAGER: Final = "dept_manager"
SYSTEM: Final = "system"

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


DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=ROLES_SETTING)
"""The shipping table as documented, before the setting."""
