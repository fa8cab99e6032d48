"""The received branch end to end in a real Chromium (issue 18 parts 3-5; AS-2, AS-4, AS-6, AS-7):
an order shipped and delivered on a simulated Monday, the buyer's quality refund approved by the
department supervisor in the inbox, the parcel back in the warehouse, the order clerk issuing the
退貨單 on the case page, customer service inspecting the accessories and confirming receipt, and
the return note printed: a PDF drawn by after-sales with shop_print (the title, the case's waybill
and the signature lines read back from the file, the title's glyphs inked).

The shop runs on the simulation clock of its own (the 14:00 cut-off of a shipping day, FUL-2), so
this module starts its own shop and back office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from jetstream_es.testing.nats_server import free_port
from shop_print.proof import inked, pdf_text
from shopdemo import flows
from shopdemo.client import ShopClient, SimClock
from shopdemo.flows import Line
from shopdemo.staff import BUYER, COMPANY_ACCOUNT, KEEPER
from shopdemo.system import RunningShop, start_shop

from .conftest import LINK, PASSWORD, RunningBackoffice, start_backoffice, stop_backoffice
from .test_service_screens import SHANGHAI, on_shop, signed_in_as, staff

# the shop and the back office start in the first test (a loaded machine: minutes)
pytestmark = pytest.mark.timeout(480)
KETTLE = Line("SKU-BO-KETTLE", 1, Decimal("399.00"))
PARTS = ("電源線", "濾網")
DAY = dt.date(2026, 11, 2)  # a Monday: a shipping day
CLERK, AGENT, SUPERVISOR_ID = "e-3301", "e-3302", "e-3303"
CASE, ORDER = "case-bo-rn", "o-bo-rn"


def at(day: dt.date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def sim_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningShop]:
    running = start_shop(
        tmp_path_factory.mktemp("sim-shop"),
        free_port(),
        free_port(),
        clock="simulation",
        env={
            "SHOP_BACKOFFICE_PORT": "none",
            "ORDERS_COMPANY_ACCOUNTS": f'["{COMPANY_ACCOUNT}"]',
            "SHOP_BUSINESS_TZ": "Asia/Shanghai",
        },
    )
    try:
        yield running
    finally:
        assert running.stop() == 0, running.lines[-30:]


@pytest.fixture(scope="module")
def sim_backoffice(
    sim_shop: RunningShop, tmp_path_factory: pytest.TempPathFactory, browser: Browser
) -> Iterator[RunningBackoffice]:
    running = start_backoffice(sim_shop, Path(tmp_path_factory.mktemp("sim-backoffice")))
    try:
        found = LINK.search(running.wait_for("sets a password at"))
        assert found, running.lines
        context = browser.new_context()
        first = context.new_page()
        first.goto(found.group(1))
        first.fill("input[name=password]", PASSWORD)
        first.fill("input[name=repeat]", PASSWORD)
        first.click("[data-testid=set-password] button")
        first.wait_for_url("**/signin?reason=password_set")
        context.close()
        yield running
    finally:
        stop_backoffice(running)
        print("\n".join(running.lines[-80:]))


def shipped_delivered_and_refund_requested(shop: RunningShop) -> None:
    async def work(client: ShopClient) -> None:
        clock = SimClock(client)
        await clock.set(at(DAY, 9))
        await flows.stock_up(client, KETTLE.sku, 5, "L-BO-KET", "電熱水壺")
        await flows.list_product(
            client,
            KETTLE.sku,
            "電熱水壺",
            KETTLE.unit_price,
            category="electronics",
            specifications={"model": "K-17", "power": "1800W", "warranty": "1年"},
            accessories=PARTS,
        )
        await client.quiesce()
        await flows.order_ready_to_ship(client, ORDER, (KETTLE,))
        await clock.set(at(DAY, 14))
        day = await flows.generate_report(client, DAY)
        await flows.hand_over_packet(client, day)
        await flows.ship(client, ORDER, PARTS)
        await flows.close_day(client, DAY)
        await clock.set(at(DAY + dt.timedelta(days=1), 10))
        await flows.deliver(client, ORDER)
        await client.quiesce()
        await clock.set(at(DAY + dt.timedelta(days=2), 9))  # inside AS-11's 7 days
        await flows.request_refund(client, CASE, ORDER, received=True, reason="quality")
        await client.quiesce(["aftersales"])

    on_shop(shop, work)


def parcel_back(shop: RunningShop) -> None:
    """The buyer ships the goods back (AS-4) and the warehouse receives the parcel (AS-6)."""

    async def work(client: ShopClient) -> None:
        waybill = f"RB-{CASE}"
        await client.send(
            "aftersales",
            "RecordReturnDispatch",
            {"case_id": CASE, "waybill_no": waybill},
            actor=BUYER,
        )
        await client.quiesce(["fulfilment"])
        await client.send(
            "fulfilment",
            "ReceiveReturnParcel",
            {"case_id": CASE, "waybill_no": waybill, "order_id": ORDER},
            actor=KEEPER,
        )
        await client.quiesce(["aftersales"])

    on_shop(shop, work)


def test_a_quality_return_gets_its_return_note_issued_inspected_and_printed_as_6_as_7(
    page: Page, sim_backoffice: RunningBackoffice, sim_shop: RunningShop
) -> None:
    staff(sim_shop, {CLERK: ("order_clerk",), AGENT: ("aftersales_cs",), SUPERVISOR_ID: ("dept_supervisor",)})
    shipped_delivered_and_refund_requested(sim_shop)

    signed_in_as(page, sim_backoffice, SUPERVISOR_ID)  # the inbox: approve (AS-2) -> the return (AS-4)
    page.goto(f"{sim_backoffice.url}/approvals")
    page.get_by_test_id(f"refund-{CASE}").get_by_test_id("approve-refund").click()
    expect(page.get_by_test_id(f"refund-{CASE}")).to_have_count(0)
    page.get_by_test_id("signout").click()
    parcel_back(sim_shop)

    signed_in_as(page, sim_backoffice, CLERK)  # the order clerk issues the 退貨單 (AS-6)
    page.goto(f"{sim_backoffice.url}/service/cases/{CASE}")
    expect(page.get_by_test_id("case-status")).to_contain_text("退货已到")
    page.fill("[data-testid=action-issue-return-note] [name=return_reason]", "質量問題：壺蓋開裂")
    page.click("[data-testid=action-issue-return-note] button")
    expect(page.get_by_test_id("case-status")).to_contain_text("已开退貨單")
    expect(page.get_by_test_id("action-inspect")).to_have_count(0)  # not the clerk's (AS-7)
    page.get_by_test_id("signout").click()

    signed_in_as(page, sim_backoffice, AGENT)  # after-sales inspects and confirms receipt (AS-7)
    page.goto(f"{sim_backoffice.url}/service/cases/{CASE}")
    form = page.get_by_test_id("action-inspect")
    form.locator("[name=goods_match]").check()
    form.locator("[name=accessories_present]").fill("\n".join(PARTS))
    form.locator("button").click()
    expect(page.get_by_test_id("case-status")).to_contain_text("已验货")
    page.click("[data-testid=action-confirm-receipt] button")
    expect(page.get_by_test_id("case-status")).to_contain_text("已确认收货")
    expect(page.get_by_test_id("history")).to_contain_text(CLERK)

    href = page.get_by_test_id("return-note").get_attribute("href")
    answer = page.request.get(f"{sim_backoffice.url}{href}")
    assert answer.ok, answer.text()
    assert answer.headers["content-type"] == "application/pdf"
    content = answer.body()
    typed = pdf_text(content)
    for needle in ("退貨單", f"RB-{CASE}", "質量問題", KETTLE.sku, "開單員", "售後驗貨", "退貨人"):
        assert needle in typed, needle
    assert inked(content, "退貨單") > 0.08, "the title is not drawn"
