"""Versioned integration events that other services consume (rules.md §10, the ★ events)."""

from shop_contracts.events.aftersales import RefundRequested
from shop_contracts.events.fulfilment import ShipmentStamped
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded
from shop_contracts.events.orders import OrderConfirmed, OrderLine, OrderPlaced, ShippingAddress

__all__ = [
    "AbsenceKind",
    "AbsenceRecorded",
    "OrderConfirmed",
    "OrderLine",
    "OrderPlaced",
    "RefundRequested",
    "ShipmentStamped",
    "ShippingAddress",
]
