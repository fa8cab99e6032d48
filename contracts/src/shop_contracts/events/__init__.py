"""Versioned integration events that other services consume (rules.md §10, the ★ events and more)."""

from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import ShipmentDelivered, ShipmentStamped
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded
from shop_contracts.events.order_progress import (
    CustomerContacted,
    CustomerContactOverdue,
    OrderCancelled,
    OrderCompleted,
    OrderHandedOver,
    OrderHandoverOverdue,
    OrderMarkedDelivered,
    OrderMarkedShipped,
    OrderOutOfStockNotified,
    OrderRefreshOverdue,
    OrderRefunded,
    OrderViewed,
)
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    FieldCorrection,
    OrderAmendmentRejected,
    OrderConfirmed,
    OrderDetailsCorrected,
    OrderLine,
    OrderPaid,
    OrderPlaced,
    ShippingAddress,
)

__all__ = [
    "AbsenceKind",
    "AbsenceRecorded",
    "BuyerRemarkRecorded",
    "CustomerContactOverdue",
    "CustomerContacted",
    "FieldCorrection",
    "OrderAmendmentRejected",
    "OrderCancelled",
    "OrderCompleted",
    "OrderConfirmed",
    "OrderDetailsCorrected",
    "OrderHandedOver",
    "OrderHandoverOverdue",
    "OrderLine",
    "OrderMarkedDelivered",
    "OrderMarkedShipped",
    "OrderOutOfStockNotified",
    "OrderPaid",
    "OrderPlaced",
    "OrderRefreshOverdue",
    "OrderRefunded",
    "OrderViewed",
    "RefundCaseClosed",
    "RefundIssued",
    "RefundRequested",
    "ShipmentDelivered",
    "ShipmentStamped",
    "ShippingAddress",
]
