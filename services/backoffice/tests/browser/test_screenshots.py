"""The screenshot scenario (issue 18 part 4): each home as its role sees it, written to
`BACKOFFICE_SCREENSHOTS` (`make screenshots`: docs/staff/screens/<area>.png), else to a temporary
folder; every picture must come out. Other screens add their home here."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from shopdemo import flows
from shopdemo.client import ShopClient
from shopdemo.system import RunningShop

from .conftest import SCREENSHOTS, RunningBackoffice
from .test_hr_screens import on_shop
from .test_service_screens import refund_requested, signed_in_as, staff
from .test_signing_in import employee_signed_in, sign_in

# the first test also waits for the shop and the back office to start (a loaded machine: minutes)
pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target


def shot(page: Page, folder: Path, area: str) -> None:
    page.wait_for_timeout(300)  # fonts and the live fragment settle
    path = folder / f"{area}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} is nearly empty"


def test_each_home_as_its_role_sees_it(
    page: Page, backoffice: RunningBackoffice, admin: str, employee: str, folder: Path
) -> None:
    sign_in(page, backoffice.url, admin)
    page.goto(f"{backoffice.url}/accounts")
    shot(page, folder, "accounts")
    page.get_by_test_id("signout").click()
    employee_signed_in(page, backoffice, employee)
    shot(page, folder, "employee")
    assert os.listdir(folder)


def test_customer_service_and_the_approval_inbox_as_their_roles_see_them(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, admin: str, folder: Path
) -> None:
    """docs/staff/screens/service.png and approvals.png (AS-2, AS-15, HR-18)."""
    staff(shop, {"e-3201": ("aftersales_cs",), "e-3202": ("dept_supervisor",)})
    refund_requested(shop, "case-shot-1", "o-shot-1")
    signed_in_as(page, backoffice, "e-3201")
    page.goto(f"{backoffice.url}/service")
    shot(page, folder, "service")
    page.get_by_test_id("signout").click()
    signed_in_as(page, backoffice, "e-3202")
    page.goto(f"{backoffice.url}/approvals")
    shot(page, folder, "approvals")


def test_hrs_home_as_hr_sees_it(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, admin: str, folder: Path
) -> None:
    """docs/staff/screens/hr.png (HR-36, HR-38: the payroll month due and the employees)."""

    async def work(client: ShopClient) -> None:
        await flows.onboard(client, "e-3301", "人事03", dt.date(2026, 1, 5))
        await client.identity.ensure("e-3301", ("hr_dept",))

    on_shop(shop, work)
    signed_in_as(page, backoffice, "e-3301")
    page.goto(f"{backoffice.url}/hr")
    shot(page, folder, "hr")


def test_the_managers_dashboard_and_the_operators_screen_as_their_roles_see_them(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, admin: str, folder: Path
) -> None:
    """docs/staff/screens/manager.png (today's orders by state, SM-ORD; ORD-16) and operators.png
    (health and consumer lag, dead letters, replays)."""
    from .test_manager_and_operators import MANAGER, OPERATOR
    from .test_service_screens import MUG, on_shop

    staff(shop, {MANAGER: ("dept_manager",), OPERATOR: ("operator",)})

    async def work(client: ShopClient) -> None:  # three orders today, one paid (SM-ORD)
        await client.quiesce(["orders"])  # orders have learnt the listing (CAT-7)
        for n in range(3):
            await flows.place_order(client, f"o-shot-mgr-{n}", (MUG,))
        await flows.pay(client, "o-shot-mgr-0", (MUG,))

    on_shop(shop, work)
    signed_in_as(page, backoffice, MANAGER)
    page.goto(f"{backoffice.url}/manager")
    page.wait_for_function("() => !!Chart.getChart(document.getElementById('canvas-orders'))")
    shot(page, folder, "manager")
    page.get_by_test_id("signout").click()
    signed_in_as(page, backoffice, OPERATOR)
    page.goto(f"{backoffice.url}/operators")
    shot(page, folder, "operators")


def test_the_order_back_office_and_the_order_clerk_as_their_roles_see_them(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, admin: str, folder: Path
) -> None:
    """docs/staff/screens/orders.png (the SLA board's countdowns and the queues, ORD-1, ORD-2, ORD-7)
    and clerk.png (today's batch and the orders rolled past the cut-off, FUL-1, FUL-2)."""
    from .test_orders_screens import ORDER_STAFF, placed_and_paid

    clerk = "e-3702"
    staff(shop, {ORDER_STAFF: ("backoffice_order_staff",), clerk: ("order_clerk",)})
    placed_and_paid(shop, "o-shot-ord-1")
    signed_in_as(page, backoffice, ORDER_STAFF)
    page.goto(f"{backoffice.url}/orders")
    page.get_by_test_id("countdown-o-shot-ord-1-contact").first.wait_for()
    shot(page, folder, "orders")
    page.get_by_test_id("signout").click()
    signed_in_as(page, backoffice, clerk)
    page.goto(f"{backoffice.url}/clerk")
    shot(page, folder, "clerk")
