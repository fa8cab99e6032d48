"""References to every service's aggregates (ARCHITECTURE.md "services are independent").

A service cannot import another service's aggregate types, yet its projections and reactions read
their events. An `AggregateRef` names an aggregate by its service and type name: from it derive the
stream that holds its events and the subject filter of its events, so a projection names its
source once (`sources = (ORDERS_ORDER,)`, decision 0007) instead of spelling stream and filter as
string literals. The owning service builds its `AggregateType` from the same ref.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from shop_contracts.subjects import SERVICES, aggregate_filter, is_token, stream_name


@dataclass(frozen=True, slots=True)
class AggregateRef:
    """One aggregate type of one service: `service` owns the stream, `name` is the subject token."""

    service: str
    name: str

    def __post_init__(self) -> None:
        if not is_token(self.service) or not is_token(self.name):
            raise ValueError(f"aggregate ref must be two subject tokens: {self.service!r}, {self.name!r}")

    @property
    def stream(self) -> str:
        """The stream holding this aggregate's events (the owning service's)."""
        return stream_name(self.service)

    @property
    def filter(self) -> str:
        """The subject filter of every event of this aggregate type."""
        return aggregate_filter(self.service, self.name)

    def __str__(self) -> str:
        return f"{self.service}.{self.name}"


# orders
ORDERS_ORDER: Final = AggregateRef("orders", "Order")
ORDERS_ORDER_BACKUP: Final = AggregateRef("orders", "OrderBackup")

# fulfilment: shipping
FULFILMENT_SHIPMENT: Final = AggregateRef("fulfilment", "Shipment")
FULFILMENT_SHIPPING_DAY: Final = AggregateRef("fulfilment", "ShippingDay")
FULFILMENT_PRODUCT: Final = AggregateRef("fulfilment", "Product")
FULFILMENT_DOCUMENT_REGISTER: Final = AggregateRef("fulfilment", "DocumentRegister")
FULFILMENT_RETURN_PARCEL: Final = AggregateRef("fulfilment", "ReturnParcel")
# fulfilment: stock
FULFILMENT_STOCK_ITEM: Final = AggregateRef("fulfilment", "StockItem")
FULFILMENT_STOCK_ALLOCATION: Final = AggregateRef("fulfilment", "StockAllocation")
FULFILMENT_ORDER_STOCK: Final = AggregateRef("fulfilment", "OrderStock")
FULFILMENT_STOCKTAKE: Final = AggregateRef("fulfilment", "Stocktake")
FULFILMENT_LEDGER_DAY: Final = AggregateRef("fulfilment", "LedgerDay")
FULFILMENT_INVENTORY_MONTH: Final = AggregateRef("fulfilment", "InventoryMonth")
FULFILMENT_WAREHOUSE_LOG: Final = AggregateRef("fulfilment", "WarehouseLog")

# after-sales
AFTERSALES_REFUND_CASE: Final = AggregateRef("aftersales", "RefundCase")
AFTERSALES_ORDER_FACTS: Final = AggregateRef("aftersales", "OrderFacts")
AFTERSALES_COMPLAINT: Final = AggregateRef("aftersales", "Complaint")
AFTERSALES_CUSTOMER_FLAG: Final = AggregateRef("aftersales", "CustomerFlag")
AFTERSALES_REVIEW: Final = AggregateRef("aftersales", "Review")
AFTERSALES_CUSTOMER_CONTACT: Final = AggregateRef("aftersales", "CustomerContact")

# hr
HR_EMPLOYEE: Final = AggregateRef("hr", "Employee")
HR_DISCIPLINE_RECORD: Final = AggregateRef("hr", "DisciplineRecord")
HR_ROTA: Final = AggregateRef("hr", "Rota")
HR_PAYROLL_PERIOD: Final = AggregateRef("hr", "PayrollPeriod")
HR_ATTENDANCE_DAY: Final = AggregateRef("hr", "AttendanceDay")
HR_ABSENCE_RECORD: Final = AggregateRef("hr", "AbsenceRecord")
HR_LEAVE_REQUEST: Final = AggregateRef("hr", "LeaveRequest")
HR_OVERTIME: Final = AggregateRef("hr", "Overtime")
HR_COMP_TIME_ACCOUNT: Final = AggregateRef("hr", "CompTimeAccount")
HR_DUTY_ROTA: Final = AggregateRef("hr", "DutyRota")
"""The duty rota (DUTY-1..DUTY-4): one stream per weekend rota, duty-manager designation, duty pair
day and hotline night; other services learn who is on duty from its events."""

# identity: who holds which role (issue 17)
IDENTITY_ROLE_HOLDER: Final = AggregateRef("identity", "RoleHolder")

# catalog: products from selection to listing (issue 19)
CATALOG_PRODUCT: Final = AggregateRef("catalog", "Product")
"""A product from selection to listing (SM-LIST); its aggregate id is the SKU (one subject token)."""

# kpi: the department's numbers (issue 19)
KPI_MONTH_PLAN: Final = AggregateRef("kpi", "MonthPlan")
"""A month's targets, quotas, department results and operating costs (KPI-3, KPI-5, KPI-13); id YYYY-MM."""
KPI_MONTH_PAY: Final = AggregateRef("kpi", "MonthPay")
"""A month's performance pay and commission per employee (KPI-2..KPI-5); id YYYY-MM."""
KPI_APPRAISAL: Final = AggregateRef("kpi", "Appraisal")
"""An employee's appraisal of one review cycle (KPI-1, KPI-6, KPI-7); id <employee>-<cycle>."""
KPI_TASK: Final = AggregateRef("kpi", "Task")
"""A task assigned (KPI-9); id the task id."""
KPI_TRAINING: Final = AggregateRef("kpi", "Training")
"""A training session (KPI-10); id the session id."""
KPI_REPORT: Final = AggregateRef("kpi", "Report")
"""A due report (KPI-8); id <kind>-<period>."""
KPI_DAILY_LOGIN: Final = AggregateRef("kpi", "DailyLogin")
"""An employee's daily log-in to the sales accounts (KPI-11); id <employee>-<YYYY-MM-DD>."""

ALL: Final[tuple[AggregateRef, ...]] = tuple(
    value for value in list(globals().values()) if isinstance(value, AggregateRef)
)
"""Every aggregate of every service, in the order above."""

for _ref in ALL:  # a typo in a service name fails at import
    if _ref.service not in SERVICES:
        raise ValueError(f"aggregate ref {_ref}: unknown service {_ref.service!r}; known: {SERVICES}")


def whole_stream(service: str) -> str:
    """The filter of every event on `service`'s stream (a projection reading a few types of all)."""
    return f"{service}.events.>"


__all__ = ["ALL", "AggregateRef", "whole_stream"]
