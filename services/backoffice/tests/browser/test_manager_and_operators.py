"""The department manager's dashboard and the operators' screen in a real Chromium against the
real shop (issue 18 part 3, last two bullets).

- The manager's dashboard shows today's orders by state: orders placed (and one paid, SM-ORD,
  ORD-12) while the page is open are counted in the drawn chart's data, refreshed by the
  services' events (server-sent events), without a reload.
- An operator (the identity service grants them `operator`, IDN-6) sees each service's consumer
  lag, retries a dead letter (refused while it still fails), drops it with its reason, and runs a
  replay whose progress messages reach the page; the admin requests are signed as the operator
  (decision 0009).
- A person without `operator` sees no operators' menu and no screen; a forged post is sent on
  and refused by the service itself (`forbidden`), and the page says so.
"""

from __future__ import annotations

import asyncio
import re
import threading
import uuid
from typing import Any

import nats
import pytest
from playwright.sync_api import Page, expect

from shop_contracts.headers import Header
from shop_contracts.subjects import stream_name
from shopdemo import flows
from shopdemo.client import ShopClient
from shopdemo.system import RunningShop

from .conftest import RunningBackoffice
from .test_service_screens import MUG, on_shop, signed_in_as, staff

MANAGER, OPERATOR = "e-3401", "e-3402"


@pytest.fixture(scope="module")
def managers(shop: RunningShop, admin: str) -> None:
    staff(shop, {MANAGER: ("dept_manager",), OPERATOR: ("operator",)})


def orders_chart(page: Page) -> dict[str, Any]:
    """The orders chart as Chart.js draws it: labels (SM-ORD states) and the today/month data."""
    drawn: dict[str, Any] = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById('canvas-orders'));
          const spec = JSON.parse(document.querySelector('script[data-chart=orders]').textContent);
          return {labels: spec.labels, today: chart.data.datasets[0].data, month: chart.data.datasets[1].data};
        }"""
    )
    return drawn


def today_of(drawn: dict[str, Any], state: str) -> int:
    return int(drawn["today"][drawn["labels"].index(state)])


def test_the_managers_dashboard_counts_todays_orders_by_state_as_they_are_placed_sm_ord(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, managers: None
) -> None:
    signed_in_as(page, backoffice, MANAGER)
    expect(page).to_have_url(re.compile(r"/manager$"))
    for key in ("orders", "shipping", "sla", "refunds", "sales"):  # the manager reads each of them
        expect(page.get_by_test_id(f"chart-{key}").locator("canvas")).to_be_visible()
        expect(page.get_by_test_id(f"refused-{key}")).to_have_count(0)
    expect(page.get_by_test_id("shipping-steps")).to_contain_text("日报已生成")  # SM-SHIP-BATCH's steps
    before = orders_chart(page)
    placed, paid = today_of(before, "Placed"), today_of(before, "Paid")
    run = uuid.uuid4().hex[:6]

    async def work(client: ShopClient) -> None:
        await client.quiesce(["orders"])  # orders have learnt the listing (CAT-7)
        for n in range(3):
            await flows.place_order(client, f"o-mgr-{run}-{n}", (MUG,))
        await flows.pay(client, f"o-mgr-{run}-0", (MUG,))

    on_shop(shop, work)
    # the page refreshes itself from the orders' events: no reload
    page.wait_for_function(
        """([placed, paid]) => {
          const chart = Chart.getChart(document.getElementById('canvas-orders'));
          if (!chart) { return false; }  // swapped in, not drawn yet
          const spec = JSON.parse(document.querySelector('script[data-chart=orders]').textContent);
          const d = chart.data.datasets[0].data;
          return d[spec.labels.indexOf('Placed')] === placed && d[spec.labels.indexOf('Paid')] === paid;
        }""",
        arg=[placed + 2, paid + 1],
        timeout=20_000,
    )
    after = orders_chart(page)
    assert today_of(after, "Placed") == placed + 2
    assert today_of(after, "Paid") == paid + 1
    assert sum(after["month"]) >= sum(after["today"]) >= sum(before["today"]) + 3
    expect(page.locator("header nav")).not_to_contain_text("运维")  # not an operator: no operators' menu


def poison(shop: RunningShop, order_id: str) -> None:
    """An event no projection can decode, on the orders' stream: every reader parks it."""

    async def publish() -> None:
        nc = await nats.connect(shop.url, connect_timeout=2)
        try:
            headers = {Header.EVENT_TYPE: "OrderPlaced", Header.MSG_ID: f"poison-{order_id}"}
            await nc.jetstream().publish(
                f"orders.events.Order.{order_id}",
                b"not an event",
                headers=headers,
                stream=stream_name("orders"),
            )
        finally:
            await nc.close()

    worker = threading.Thread(target=asyncio.run, args=(publish(),))
    worker.start()
    worker.join(30)


def test_an_operator_sees_lag_retries_and_drops_a_dead_letter_and_replays_with_progress(
    page: Page, backoffice: RunningBackoffice, shop: RunningShop, managers: None
) -> None:
    order_id = f"o-poison-{uuid.uuid4().hex[:6]}"
    poison(shop, order_id)
    signed_in_as(page, backoffice, OPERATOR)
    expect(page).to_have_url(re.compile(r"/operators$"))
    expect(page.get_by_test_id("health")).to_contain_text("orders")
    expect(page.get_by_test_id("health").locator("tr[data-testid^=lag-orders-]").first).to_be_visible()

    row = page.get_by_test_id("dead-letters").locator("tr", has_text=order_id).filter(has_text="orders").first
    for _ in range(40):  # the projections park it within a moment
        if row.count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(row).to_be_visible()
    seq = (row.get_attribute("data-testid") or "").removeprefix("dead-letter-")
    # a retry while it still fails applies nothing and says why
    row.get_by_test_id(f"retry-{seq}").locator("input[name=reason]").fill("try again")
    row.get_by_test_id(f"retry-{seq}").locator("button").click()
    expect(page.get_by_test_id("outcome-error")).to_contain_text("invalid")
    expect(page.get_by_test_id("outcome-error")).to_contain_text(seq)
    # a drop without a reason is refused naming the field; with one it is recorded
    page.get_by_test_id(f"drop-{seq}").locator("button").click()
    expect(page.get_by_test_id("error-reason")).to_be_visible()
    page.get_by_test_id(f"drop-{seq}").locator("input[name=reason]").fill("a poison test event, never real")
    page.get_by_test_id(f"drop-{seq}").locator("button").click()
    expect(page.get_by_test_id("outcome-ok")).to_contain_text(f"drop-{seq}")
    expect(page.get_by_test_id(f"dead-letter-{seq}")).to_have_count(0)
    page.goto(f"{backoffice.url}/operators?resolved=true")
    expect(page.get_by_test_id(f"dead-letter-{seq}")).to_contain_text("a poison test event, never real")
    expect(page.get_by_test_id(f"dead-letter-{seq}")).to_contain_text(OPERATOR)

    # a replay of one of the orders' projections, its progress on the page
    page.goto(f"{backoffice.url}/operators")
    projection = "orders_views"
    expect(page.locator(f"#projections option[value={projection}]")).to_have_count(1)  # offered, replayable
    form = page.get_by_test_id("replay-form")
    form.locator("select[name=service]").select_option("orders")
    form.locator("input[name=projection]").fill(projection)
    form.locator("button").click()
    replay = page.locator("[data-testid^=replay-][data-done]").first
    expect(replay).to_have_attribute("data-done", "yes", timeout=60_000)
    expect(replay.get_by_test_id("replay-result")).to_contain_text("已重建")
    expect(replay.get_by_test_id("replay-percent")).to_have_text("100%")
    updates = int(replay.get_by_test_id("replay-updates").get_attribute("data-count") or 0)
    assert updates >= 1, "the service's progress messages reached the back office's inbox"


def test_a_non_operator_sees_no_operators_screen_and_a_forged_post_is_refused_by_the_service(
    page: Page, backoffice: RunningBackoffice, managers: None
) -> None:
    signed_in_as(page, backoffice, MANAGER)
    expect(page.locator("header nav")).not_to_contain_text("运维")
    page.goto(f"{backoffice.url}/operators")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.locator("[data-testid=replay-form]")).to_have_count(0)
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    forged = page.request.post(
        f"{backoffice.url}/operators/replays",
        form={"csrf_token": csrf, "service": "orders", "projection": "order_views", "from_seq": "1"},
    )
    assert forged.status == 403, forged.text()
    assert "forbidden: ReplayProjection is an operators" in forged.text(), forged.text()
    assert "it needs the role operator" in forged.text(), forged.text()  # the service's own refusal
    dropped = page.request.post(
        f"{backoffice.url}/operators/dead-letters/orders/1/drop",
        form={"csrf_token": csrf, "reason": "forged"},
    )
    assert dropped.status == 403, dropped.text()
    assert "DropDeadLetter is an operators" in dropped.text(), dropped.text()
    # and the operators do not see the manager's dashboard
    page.get_by_test_id("signout").click()
    signed_in_as(page, backoffice, OPERATOR)
    page.goto(f"{backoffice.url}/manager")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
