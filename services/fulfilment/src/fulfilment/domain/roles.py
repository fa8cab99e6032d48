"""Who may do what on the shipping side (rules.md §0 roles; FUL-1 actors, FUL-8, FUL-10).

FUL-8: one person may hold both `order_clerk` and `warehouse_keeper`; roles are grants, so an actor
with both may do both halves of the job.
"""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

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
    "RecordShipmentInTransit": ((KEEPER, AFTERSALES, SYSTEM), "FUL-11"),
    "RecordDelivery": ((KEEPER, AFTERSALES, SYSTEM), "FUL-11"),
    "ReportCourierException": ((AFTERSALES, SYSTEM), "FUL-10"),
    "ResolveCourierException": ((AFTERSALES, SYSTEM), "FUL-10"),
    "ReceiveReturnParcel": ((KEEPER,), "AS-6"),
}
"""Command name → (roles allowed, rule cited when refused)."""


def require_role(actor: Actor, command: str) -> None:
    roles, rule = COMMAND_ROLES[command]
    if not actor.has_any(*roles):
        raise Forbidden(f"{command} needs the role {' or '.join(roles)}; {actor.id} has none of them", rule)
