"""Who may do what (rules.md §0; AS-2, AS-5..AS-8; SM-RET actors; complaints, reviews and flags
AS-15..AS-21, SM-CMP, SM-CUST-FLAG)."""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

BUYER: Final = "buyer"
SUPERVISOR: Final = "dept_supervisor"
ORDER_CLERK: Final = "order_clerk"
AFTERSALES: Final = "aftersales_cs"
PRESALES: Final = "presales_cs"
CS_SUPERVISOR: Final = "cs_supervisor"
CS: Final = (PRESALES, AFTERSALES)

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
    "RegisterComplaint": (CS, "AS-15"),
    "RespondToComplaint": ((*CS, CS_SUPERVISOR), "AS-15"),
    "EscalateComplaint": (CS, "AS-19"),
    "ResolveComplaint": ((*CS, CS_SUPERVISOR), "AS-15"),
    "FlagCustomer": (CS, "AS-18"),
    "ConfirmCustomerFlag": ((CS_SUPERVISOR,), "AS-18"),
    "RejectCustomerFlag": ((CS_SUPERVISOR,), "AS-18"),
    "RecordNegativeReview": (CS, "AS-16"),
    "ReplyToReview": (CS, "AS-16"),
    "LogConsultation": (CS, "AS-17"),
    "RecordRevisit": (CS, "AS-21"),
}
"""Command name → (roles allowed, rule cited when refused)."""


def require_role(actor: Actor, command: str) -> None:
    roles, rule = COMMAND_ROLES[command]
    if not actor.has_any(*roles):
        raise Forbidden(f"{command} needs the role {' or '.join(roles)}; {actor.id} has none of them", rule)
