"""Who may do what by default (rules.md §0; AS-2, AS-5..AS-8; SM-RET actors; complaints, reviews and
flags AS-15..AS-21, SM-CMP, SM-CUST-FLAG; conflict C9: the table is a setting).

`COMMAND_ROLES` is the documented default, 000's mapping for returns: the department supervisor
decides and releases the refund, after-sales checks the goods (AS-2, AS-7, AS-8).
`AFTERSALES_COMMAND_ROLES` (read in bootstrap.py) replaces the roles of the commands it names;
`SERVICE_DEPARTMENT_001` is 001's alternative (AS-12: a separate after-sales service department
handles returns, repairs and refunds), the example value of that setting in docs/services/aftersales.md. The
resulting `CommandRoles` reaches the decisions on `AftersalesPolicy.roles`.
"""

from __future__ import annotations

from typing import Final

from jetstream_es.roles import CommandRoles

BUYER: Final = "buyer"
SUPERVISOR: Final = "dept_supervisor"
ORDER_CLERK: Final = "order_clerk"
AFTERSALES: Final = "aftersales_cs"
PRESALES: Final = "presales_cs"
CS_SUPERVISOR: Final = "cs_supervisor"
CS: Final = (PRESALES, AFTERSALES)
SERVICE_DEPT: Final = "aftersales_service_dept"
"""001's after-sales service department (售后服务部, AS-12); no role of the default mapping."""

SETTING: Final = "AFTERSALES_COMMAND_ROLES"

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
    "ResolveEscalatedComplaint": ((CS_SUPERVISOR,), "AS-19"),
    "FlagCustomer": (CS, "AS-18"),
    "ConfirmCustomerFlag": ((CS_SUPERVISOR,), "AS-18"),
    "RejectCustomerFlag": ((CS_SUPERVISOR,), "AS-18"),
    "RecordNegativeReview": (CS, "AS-16"),
    "ReplyToReview": (CS, "AS-16"),
    "LogConsultation": (CS, "AS-17"),
    "RecordRevisit": (CS, "AS-21"),
}
"""Command name → (roles allowed, rule cited when refused). `ResolveEscalatedComplaint` is
ResolveComplaint on an escalated complaint: the escalation point resolves it (AS-19)."""

DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=SETTING)

SERVICE_DEPARTMENT_001: Final[dict[str, list[str]]] = {
    "ApproveRefundRequest": [SERVICE_DEPT],
    "RejectRefundRequest": [SERVICE_DEPT],
    "ConcludeNegotiation": [SERVICE_DEPT, AFTERSALES, PRESALES],
    "IssueReturnNote": [SERVICE_DEPT],
    "InspectReturn": [SERVICE_DEPT],
    "ConfirmReturnReceipt": [SERVICE_DEPT],
    "IssueRefund": [SERVICE_DEPT],
}
"""C9, 001's mapping: the after-sales service department decides, takes the goods back, checks them
and refunds; customer service keeps its channel to the buyer in the negotiation (AS-12)."""
