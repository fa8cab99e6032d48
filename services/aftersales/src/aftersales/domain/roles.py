"""Who may do what (rules.md §0; AS-2, AS-5..AS-8; SM-RET actors)."""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

BUYER: Final = "buyer"
SUPERVISOR: Final = "dept_supervisor"
ORDER_CLERK: Final = "order_clerk"
AFTERSALES: Final = "aftersales_cs"
PRESALES: Final = "presales_cs"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "RequestRefund": ((BUYER,), "AS-1"),
    "ApproveRefundRequest": ((SUPERVISOR,), "AS-2"),
    "RejectRefundRequest": ((SUPERVISOR,), "AS-2"),
    "ConcludeNegotiation": ((AFTERSALES, PRESALES), "AS-5"),
    "WithdrawRefundRequest": ((BUYER,), "SM-RET"),
    "RecordReturnDispatch": ((BUYER,), "AS-4"),
    "IssueReturnNote": ((ORDER_CLERK,), "AS-6"),
    "InspectReturn": ((AFTERSALES,), "AS-7"),
    "ConfirmReturnReceipt": ((AFTERSALES,), "AS-7"),
    "IssueRefund": ((SUPERVISOR,), "AS-8"),
}
"""Command name → (roles allowed, rule cited when refused)."""


def require_role(actor: Actor, command: str) -> None:
    roles, rule = COMMAND_ROLES[command]
    if not actor.has_any(*roles):
        raise Forbidden(f"{command} needs the role {' or '.join(roles)}; {actor.id} has none of them", rule)
