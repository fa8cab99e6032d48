"""The deadlines an order runs against and when they fall due (ORD-1, ORD-2, ORD-3, AS-11).

Deadline ids derive from the order (and, for completion, from the event that started the
window), so scheduling twice keeps one deadline and firing twice appends nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class DeadlineKind(StrEnum):
    REFRESH = "refresh"
    CONTACT = "contact"
    HANDOVER = "handover"
    COMPLETE = "complete"


RULES: Final = {
    DeadlineKind.REFRESH: "ORD-1",
    DeadlineKind.CONTACT: "ORD-2",
    DeadlineKind.HANDOVER: "ORD-3",
    DeadlineKind.COMPLETE: "AS-11",
}


def deadline_id(kind: DeadlineKind, order_id: str, started_by: int | None = None) -> str:
    return f"{kind}/{order_id}" if started_by is None else f"{kind}/{order_id}/{started_by}"
