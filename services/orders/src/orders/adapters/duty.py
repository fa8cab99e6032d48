"""Orders' instance of HR's duty rota (DUTY-1, AS-22): who is on duty when a customer-contact
deadline (ORD-2) falls outside online hours; see `shop_views.duty`.
"""

from __future__ import annotations

from shop_views import duty
from shop_views.duty import DutyReader

__all__ = ["DutyReader", "DutyRotaView"]


class DutyRotaView(duty.DutyRota):
    name = "orders_duty_rota"
