"""The order back office in a real Chromium against the real shop (issue 18 part 3; ORD-1, ORD-2,
ORD-3, ORD-7, SM-ORD).

- An order placed and paid by the platform connector's program token appears on the order staff's
  home with the contact deadline counting down from the orders service's own SlaBoard (ORD-2: 10
  minutes); the staff open it, mark it viewed (ORD-1), record the contact with the details
  verified (ORD-2) and confirm it within its countdown (ORD-7); the hand-over step's 24-hour
  countdown takes its place (ORD-3) and the order's history names who did what.
- After-sales customer service, whose roles do not confirm orders, see no such action; a forged
  confirmation is sent on and refused by the orders service itself (`forbidden`, ORD-7), and the
  page says so.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from shopdemo import flows
from shopdemo.client import ShopClient
from shopdemo.staff import SALES
from shopdemo.system import RunningShop

from .conftest import RunningBackoffice
from .test_service_screens import MUG, on_shop, signed_in_as, staff

# the first test also waits for the shop and the back office to start (a loaded machine: minutes)
pytestmark = pytest.mark.timeout(300)
ORDER_STAFF, AFTERSALES_CS = "e-3601", "e-3602"


@pytest.fixture(scope="module")
def order_staff(shop: RunningShop, admin: str) -> None:
    staff(shop, {ORDER_STAFF: ("backoffice_order_staff",), AFTERSALES_CS: ("aftersales_cs",)})


def placed_and_paid(shop: RunningShop, order_id: str) -> None:
    """The platform places and pays the order (SM-ORD, ORD-12); sales record the remark (ORD-8)."""

    async def work(client: ShopClient) -> None:
        await client.quiesce(["orders"])  # orders have learnt the listing (CAT-7)
        await flows.place_order(client, order_id, (MUG,))
        await flows.pay(client, order_id, (MUG,))
        await client.send(
            "orders",
            "RecordBuyerRemark",
            {"order_id": order_id, "logistics_method": "SF-Express", "requirements": "送貨前電話聯繫"},
            actor=SALES,
        )
        await client.quiesce(["orders"])

    on_shop(shop, work)


def seconds_left(page: Page, testid: str) -> int:
    countdown = page.get_by_test_id(testid).first
    expect(countdown).to_have_attribute("data-seconds", re.compile(r"^-?\d+$"))
    return int(countdown.get_attribute("data-seconds") or "0")


def test_ord2_ord7_the_order_staff_contact_and_confirm_an_order_within_its_countdown(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, order_staff: None
) -> None:
    order_id = f"o-ord-{uuid.uuid4().hex[:6]}"
    signed_in_as(page, backoffice, ORDER_STAFF)
    expect(page).to_have_url(re.compile(r"/orders$"))
    placed_and_paid(shop, order_id)
    # the board refreshes itself from the orders' events (SSE): no reload
    row = page.get_by_test_id("queue-new").get_by_test_id(f"order-{order_id}")
    expect(row).to_be_visible(timeout=20_000)
    left = seconds_left(page, f"countdown-{order_id}-contact")
    assert 0 < left <= 600, f"the contact is due within ORD-2's 10 minutes, {left}s left"
    expect(page.get_by_test_id(f"countdown-{order_id}-contact").first).to_contain_text("剩余")

    row.get_by_role("link", name=order_id).click()
    expect(page.get_by_test_id("order-status")).to_have_text("已付款")
    expect(page.get_by_test_id("ship-to")).to_contain_text("王小明")
    expect(page.get_by_test_id("action-correct")).to_have_count(0)  # after-sales' action (ORD-6)
    page.get_by_test_id("action-viewed").locator("button").click()
    # the contact form is the contract's: details_verified is a checkbox, the note a textarea
    contact = page.get_by_test_id("action-contact")
    contact.locator("input[name=details_verified]").check()
    contact.locator("textarea[name=note]").fill("地址電話已核對")
    contact.locator("button").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已联系")
    expect(page.get_by_test_id(f"countdown-{order_id}-contact")).to_have_count(0)  # ORD-2 met
    page.get_by_test_id("action-confirm").locator("button").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已确认")
    handover = seconds_left(page, f"countdown-{order_id}-handover")
    assert 23 * 3600 < handover <= 24 * 3600, f"ORD-3's 24 hours count down, {handover}s left"
    history = page.get_by_test_id("history")
    expect(history).to_contain_text(ORDER_STAFF)
    expect(history.locator("tr", has_text=ORDER_STAFF)).to_have_count(3)  # viewed, contacted, confirmed
    expect(history.locator("tr", has_text="platform-connector").first).to_be_visible()  # placed, paid
    # the hand-over within 24 hours (ORD-3)
    page.get_by_test_id("action-hand-over").locator("input[name=to_staff_id]").fill("product-ops-1")
    page.get_by_test_id("action-hand-over").locator("button").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已交接")


def test_ord7_after_sales_see_no_confirmation_and_a_forged_one_is_refused_by_the_service(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, order_staff: None
) -> None:
    order_id = f"o-ord-{uuid.uuid4().hex[:6]}"
    placed_and_paid(shop, order_id)
    signed_in_as(page, backoffice, AFTERSALES_CS)
    page.goto(f"{backoffice.url}/orders/order/{order_id}")
    expect(page.get_by_test_id("order-id")).to_have_text(order_id)
    expect(page.get_by_test_id("action-confirm")).to_have_count(0)
    expect(page.get_by_test_id("action-correct")).to_be_visible()  # theirs (ORD-6)
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    forged = page.request.post(f"{backoffice.url}/orders/order/{order_id}/confirm", form={"csrf_token": csrf})
    assert forged.status == 403, forged.text()
    assert "forbidden" in forged.text(), forged.text()
    assert "ORD-7" in forged.text(), forged.text()
    page.set_content(forged.text())
    expect(page.get_by_test_id("refusal-forbidden")).to_be_visible()
    # a correction with a reason goes through the contract's form (ORD-6)
    page.goto(f"{backoffice.url}/orders/order/{order_id}")
    form = page.get_by_test_id("action-correct")
    form.locator("input[name='changes.phone']").fill("12")
    form.locator("button").click()
    expect(page.get_by_test_id("error-reason")).to_be_visible()
    expect(page.get_by_test_id("error-changes.phone")).to_be_visible()
