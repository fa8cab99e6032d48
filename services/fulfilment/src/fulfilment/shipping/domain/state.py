"""The states of the shipping context's aggregates, owned by the domain (SM-SHIP-BATCH, SM-SHIP).

The read-side contract (`shop_contracts.queries.fulfilment`) reports the same values; a unit test
asserts the two enums agree so they cannot drift, and the domain does not import the query contract.
"""

from __future__ import annotations

from enum import StrEnum


class ShippingDayStatus(StrEnum):
    """The states of SM-SHIP-BATCH."""

    OPEN = "Open"
    REPORT_GENERATED = "ReportGenerated"
    HANDED_TO_WAREHOUSE = "HandedToWarehouse"
    DISPATCHING = "Dispatching"
    REPORT_FILLED = "ReportFilled"
    CLOSED = "Closed"


class ShipmentStatus(StrEnum):
    """The states of SM-SHIP, and `Pending` before the order is placed, paid, remarked and confirmed."""

    PENDING = "Pending"
    QUEUED = "Queued"
    IN_PACKET = "InPacket"
    ACCESSORIES_CHECKED = "AccessoriesChecked"
    DISPATCHED = "Dispatched"
    STAMPED = "Stamped"
    IN_TRANSIT = "InTransit"
    DELIVERED = "Delivered"
    EXCEPTION = "Exception"
    REFUSED = "Refused"
    CANCELLED = "Cancelled"
