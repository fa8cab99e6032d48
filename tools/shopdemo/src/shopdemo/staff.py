"""The people who act in the shop, as command actors with the roles the rules give them.

With identity (issue 17) a person's roles in a token are the ones the identity service's grants
give them (the demo grants these through GrantRole first, shopdemo.identity); `PLATFORM` is the
platform connector's own key, `SYSTEM` the driver's own program key (clock terminal, carrier)."""

from __future__ import annotations

from shopdemo.client import Actor

PLATFORM = Actor("platform-connector", ("platform",))
SALES = Actor("sales-1", ("sales_staff",))
BACKOFFICE = Actor("backoffice-1", ("backoffice_order_staff",))
PRODUCT_OPS = Actor("product-ops-1", ("product_ops_staff",))
ORDER_CLERK = Actor("clerk-1", ("order_clerk",))
KEEPER = Actor("keeper-1", ("warehouse_keeper",))
DEPT_MANAGER = Actor("manager-1", ("dept_manager",))
SUPERVISOR = Actor("supervisor-1", ("dept_supervisor",))
AFTERSALES = Actor("as-1", ("aftersales_cs",))
CS_SUPERVISOR = Actor("cs-sup-1", ("cs_supervisor",))
BUYER = Actor("buyer-1", ("buyer",))
SYSTEM = Actor("system", ("system",))
HR_DEPT = Actor("hr-1", ("hr_dept",))
OFFICE = Actor("office-1", ("office",))
ECOM_SUPERVISOR = Actor("ecom-sup-1", ("ecom_supervisor",))
DIRECT_SUPERVISOR = Actor("direct-sup-1", ("direct_supervisor",))
SENIOR_LEADER = Actor("senior-1", ("senior_leader",))
ARTIST = Actor("artist-1", ("web_artist",))
TECHNICIAN = Actor("tech-1", ("technician",))
COMPANY_ACCOUNT = "ACME-BANK-001"

STAFF: tuple[Actor, ...] = (
    SALES,
    BACKOFFICE,
    PRODUCT_OPS,
    ORDER_CLERK,
    KEEPER,
    DEPT_MANAGER,
    SUPERVISOR,
    AFTERSALES,
    CS_SUPERVISOR,
    HR_DEPT,
    OFFICE,
    ECOM_SUPERVISOR,
    DIRECT_SUPERVISOR,
    SENIOR_LEADER,
    ARTIST,
    TECHNICIAN,
)
"""Every staff member the demo plays, granted their roles at the start (GrantRole)."""
READER = ECOM_SUPERVISOR
"""Who the demo's reads are asked as: the e-commerce supervisor reads the department's boards."""
