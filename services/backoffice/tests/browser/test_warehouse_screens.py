"""The warehouse keeper's screens in a real Chromium against the real shop (issue 18 parts 3-5).

A shop of its own whose cut-off (FUL-2) is a moment after it starts, so a real 14:00 batch is made
on the system clock: two orders of a kettle with two accessories are queued before the cut-off, the
order clerk makes the day's report and hands the packet over (FUL-1, FUL-3). Then the keeper, in
the browser: ticks only one accessory and sees FUL-4's refusal, ticks both, dispatches against the
出庫單 (FUL-5) and stamps it with the 發貨專用章 (FUL-6), and the order is Shipped; receives a
delivery whose count is short of its note and sees the mismatch (FUL-12); compiles the month's
inventory report and prints it as PDF (FUL-14). Wrong roles: the order clerk sees no warehouse
screen and a post of the stamp is refused; a refusal of an outbound the shop's role table
(`FULFILMENT_COMMAND_ROLES`) gives to someone else is refused by fulfilment (`forbidden`) and the
page says so. Last, the day's report: filling it while a shipment is still in the packet is refused
(SM-SHIP-BATCH); once that one is stamped too the keeper fills it in (FUL-1 step 5) and hands it to
the department manager, which closes the day (FUL-7); a lot received `pending` is inspected
(FUL-22) and a damage found outside a stocktake is refused without its cause, then recorded (FUL-15);
the day's goods ledger is closed, and a second closing is refused (FUL-13).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import nats
import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect

from jetstream_es.testing.nats_server import free_port
from shopdemo import flows
from shopdemo.client import ShopClient
from shopdemo.flows import Line
from shopdemo.identity import Identity
from shopdemo.staff import COMPANY_ACCOUNT, READER
from shopdemo.system import RunningShop, start_shop

from .conftest import LINK, SCREENSHOTS, RunningBackoffice, start_backoffice, stop_backoffice
from .test_signing_in import admin_link_for, set_password, sign_in

T = TypeVar("T")
SHANGHAI = ZoneInfo("Asia/Shanghai")
KEEPER, CLERK = "e-4101", "e-4102"
KETTLE = Line("SKU-WH-KETTLE", 1, Decimal("199.00"))
PARTS = ("说明书", "电源线")
LEAD_S = 180
"""Seconds from the shop's start to its cut-off: time to onboard, list, stock and queue the orders."""
SHIP, REFUSE = "o-wh-ship", "o-wh-refuse"
pytestmark = pytest.mark.timeout(600)  # the first test waits for the shop's cut-off (LEAD_S)


@dataclass
class Warehouse:
    shop: RunningShop
    backoffice: RunningBackoffice
    cutoff: dt.datetime


def on_shop(shop: RunningShop, work: Callable[[ShopClient], Awaitable[T]]) -> T:
    """Run `work` with a demo client of the shop in a thread of its own (Playwright's sync API keeps
    an event loop running in this one)."""
    out: list[T] = []
    failed: list[BaseException] = []

    async def run() -> None:
        nc = await nats.connect(shop.url, connect_timeout=2)
        try:
            client = ShopClient(
                nc,
                prefix="bo-warehouse",
                timeout=15,
                identity=Identity(nc, shop.var / "identity", program="shop-demo", timeout=15),
                reader=READER,
            )
            out.append(await work(client))
        except BaseException as exc:
            failed.append(exc)
        finally:
            await nc.close()

    worker = threading.Thread(target=asyncio.run, args=(run(),))
    worker.start()
    worker.join(300)
    if failed:
        raise failed[0]
    assert out, "the shop work did not finish"
    return out[0]


@pytest.fixture(scope="module")
def warehouse(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    cutoff = dt.datetime.now(SHANGHAI).replace(microsecond=0) + dt.timedelta(seconds=LEAD_S)
    assert cutoff.date() == dt.datetime.now(SHANGHAI).date(), "the test needs the cut-off on today's date"
    var = tmp_path_factory.mktemp("warehouse-shop")
    shop = start_shop(
        var,
        free_port(),
        free_port(),
        clock="system",
        env={
            "SHOP_BACKOFFICE_PORT": "none",
            "ORDERS_COMPANY_ACCOUNTS": json.dumps([COMPANY_ACCOUNT]),  # the demo's payments land (ORD-12)
            "SHOP_BUSINESS_TZ": "Asia/Shanghai",
            "FULFILMENT_CUTOFF": cutoff.time().isoformat(),
            "FULFILMENT_COMMAND_ROLES": json.dumps({"RefuseOutbound": ["dept_manager"]}),
        },
    )
    running = start_backoffice(shop, tmp_path_factory.mktemp("warehouse-backoffice"))
    try:
        found = LINK.search(running.wait_for("sets a password at"))
        assert found, running.lines
        context = browser.new_context()
        set_password(context.new_page(), found.group(1))
        context.close()
        on_shop(shop, lambda client: _before_the_cutoff(client))
        wait = (cutoff - dt.datetime.now(SHANGHAI)).total_seconds()
        assert wait > 0, f"the orders were queued {-wait:.0f}s after the cut-off: raise LEAD_S"
        time.sleep(wait + 1)
        on_shop(shop, lambda client: _the_clerks_batch(client, cutoff.date()))
        yield Warehouse(shop, running, cutoff)
    finally:
        stop_backoffice(running)
        print("\n".join(running.lines[-60:]))
        assert shop.stop() == 0, shop.lines[-30:]


async def _before_the_cutoff(client: ShopClient) -> None:
    for person, roles in {KEEPER: ("warehouse_keeper",), CLERK: ("order_clerk",)}.items():
        await flows.onboard(client, person, f"员工{person[-2:]}", dt.date(2026, 1, 5))
        await client.identity.ensure(person, roles)
    await flows.stock_up(client, KETTLE.sku, 10, "L-WH-KET-1", "电热水壶")
    await flows.list_product(
        client,
        KETTLE.sku,
        "电热水壶",
        KETTLE.unit_price,
        category="electronics",
        specifications={"model": "K-17", "power": "1800W", "warranty": "1年"},
        accessories=PARTS,  # the list the keeper checks (FUL-4, decision 0011)
    )
    await client.quiesce()
    for order_id in (SHIP, REFUSE):
        await flows.order_ready_to_ship(client, order_id, (KETTLE,))
    await client.quiesce()


async def _the_clerks_batch(client: ShopClient, day: dt.date) -> None:
    shipping_day = await flows.generate_report(client, day)
    assert {s["order_id"] for s in shipping_day["shipments"]} == {SHIP, REFUSE}, shipping_day
    await flows.hand_over_packet(client, shipping_day)
    await client.quiesce(["fulfilment"])


def signed_in_as(page: Page, backoffice: RunningBackoffice, person: str) -> None:
    sign_in(page, backoffice.url, "admin")
    page.goto(f"{backoffice.url}/accounts")
    if person not in page.get_by_test_id("accounts").inner_text():
        link = admin_link_for(page, backoffice.url, person)
    else:
        page.locator("tr", has_text=person).locator("button").click()
        link = page.get_by_test_id("one-time-link").locator("code").inner_text()
    page.get_by_test_id("signout").click()
    set_password(page, link)
    sign_in(page, backoffice.url, person)


def order_status(shop: RunningShop, order_id: str) -> str:
    async def work(client: ShopClient) -> str:
        await client.quiesce()
        order: dict[str, Any] = await client.query("orders", "GetOrder", {"order_id": order_id})
        return str(order["status"])

    return on_shop(shop, work)


def shot(page: Page, folder: Path, area: str) -> None:
    """The home's picture for docs/staff/screens (`make screenshots` sets BACKOFFICE_SCREENSHOTS)."""
    page.wait_for_timeout(300)  # fonts and the live fragments settle
    path = folder / f"{area}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} is nearly empty"


def test_the_keeper_checks_the_accessories_dispatches_and_stamps_and_the_order_is_shipped_ful_4_5_6(
    page: Page, warehouse: Warehouse, tmp_path: Path
) -> None:
    url = warehouse.backoffice.url
    signed_in_as(page, warehouse.backoffice, KEEPER)
    expect(page).to_have_url(re.compile(r"/warehouse$"))
    expect(page.get_by_test_id("queue-InPacket")).to_contain_text(SHIP)
    expect(page.get_by_test_id("queue-InPacket")).to_contain_text(REFUSE)
    expect(page.get_by_test_id(f"stock-{KETTLE.sku}")).to_be_visible()
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    shot(page, folder, "warehouse")

    page.get_by_test_id("queue-InPacket").get_by_role("link", name=SHIP).click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "InPacket")
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("电热水壶")
    page.get_by_test_id(f"present-{PARTS[0]}").check()  # the power cord is not in the box
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("missing")).to_contain_text("FUL-4")
    expect(page.get_by_test_id("missing")).to_contain_text(PARTS[1])
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "InPacket")  # not dispatched

    for part in PARTS:
        page.get_by_test_id(f"present-{part}").check()
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "AccessoriesChecked")
    page.get_by_test_id("dispatch").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "Dispatched")
    assert order_status(warehouse.shop, SHIP) != "Shipped"  # dispatched is not shipped yet (FUL-6)
    page.get_by_test_id("stamp").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "Stamped")
    expect(page.get_by_test_id("stamped")).to_contain_text(warehouse.cutoff.strftime("%Y-%m-%d"))
    expect(page.get_by_test_id("history")).to_contain_text("已盖發貨專用章")
    expect(page.get_by_test_id("history")).to_contain_text(KEEPER)
    assert order_status(warehouse.shop, SHIP) == "Shipped"

    page.goto(f"{url}/warehouse")
    expect(page.get_by_test_id("queue-InPacket")).not_to_contain_text(SHIP)
    expect(page.get_by_test_id("queue-Dispatched")).not_to_contain_text(SHIP)


def test_a_receipt_short_of_its_delivery_note_shows_the_mismatch_ful_12(
    page: Page, warehouse: Warehouse
) -> None:
    url = warehouse.backoffice.url
    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.get_by_test_id("goto-receipt").click()
    form = page.get_by_test_id("receipt-form")
    values = {
        "sku": KETTLE.sku,
        "lot_no": "L-WH-KET-2",
        "supplier": "宁波家电有限公司",
        "delivery_note_no": "DN-WH-2",
        "note_name": "电热水壶",
        "note_quantity": "10",
        "received_name": "电热水壶",
        "received_quantity": "8",
        "label.name": "电热水壶",
        "label.specification": "1.7L",
        "label.production_date": "2026-10-01",
        "label.shelf_life_days": "3650",
        "label.safety_warning": "使用前请阅读说明书",
    }
    for name, value in values.items():
        form.locator(f"input[name='{name}']").fill(value)
    page.get_by_test_id("receive").click()  # the label's model is missing (FUL-22)
    expect(page.get_by_test_id("error-label.model")).to_be_visible()
    page.get_by_test_id("receipt-form").locator("input[name='label.model']").fill("K-17")
    page.get_by_test_id("receive").click()
    expect(page).to_have_url(re.compile(r"/warehouse/lots/SKU-WH-KETTLE/L-WH-KET-2$"))
    mismatches = page.get_by_test_id("mismatches")
    expect(mismatches).to_contain_text("数量")
    expect(mismatches.locator("tr", has_text="数量")).to_contain_text("10")
    expect(mismatches.locator("tr", has_text="数量")).to_contain_text("8")
    expect(page.get_by_test_id("on-hand")).to_have_text("8")
    page.goto(f"{url}/warehouse")
    expect(page.get_by_test_id(f"stock-{KETTLE.sku}")).to_contain_text("L-WH-KET-2")


def test_the_monthly_inventory_report_is_compiled_and_printed_with_its_signature_lines_ful_14(
    page: Page, warehouse: Warehouse
) -> None:
    url = warehouse.backoffice.url
    month = warehouse.cutoff.strftime("%Y-%m")
    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.get_by_test_id("goto-inventory").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("尚未编制")
    expect(page.get_by_test_id("inventory-lines")).to_contain_text(KETTLE.sku)
    page.get_by_test_id("compile").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("已编制")
    expect(page.get_by_test_id("report-state")).to_contain_text(KEEPER)
    answer = page.request.get(f"{url}/warehouse/inventory/{month}/pdf")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    doc = pdfium.PdfDocument(answer.body())
    text = doc[0].get_textpage().get_text_range()
    for needle in ("月度库存报表", month, KETTLE.sku, "已编制", KEEPER, "仓库保管员", "运营总监", "店长"):
        assert needle in text, needle


def test_the_stocktake_needs_a_cause_for_a_shortage_and_records_the_counted_lots_ful_15(
    page: Page, warehouse: Warehouse
) -> None:
    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.get_by_test_id("goto-stocktake").click()
    row = page.get_by_test_id(f"count-{KETTLE.sku}-L-WH-KET-2")  # 8 on the book (the short receipt)
    expect(row).to_contain_text("8")
    form = page.get_by_test_id("stocktake-form")
    form.locator("input[name=finance_witness]").fill("财务 李会计")
    row.locator("input[name^='counted.']").fill("7")  # one short, no cause yet
    page.get_by_test_id("record-stocktake").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("FUL-15")
    expect(page.get_by_test_id("form-error")).to_contain_text("L-WH-KET-2")
    row = page.get_by_test_id(f"count-{KETTLE.sku}-L-WH-KET-2")
    expect(row.locator("input[name^='counted.']")).to_have_value("7")  # what was typed stays
    row.locator("input[name^='cause.']").fill("验收后搬运时遗失一件")
    row.locator("input[name^='responsible.']").fill(KEEPER)
    row.locator("input[name^='remedy.']").fill("保管员赔偿并报运营总监")
    page.get_by_test_id("record-stocktake").click()
    expect(page.get_by_test_id("stocktake-recorded")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text(KEEPER)


def test_a_wrong_role_sees_no_warehouse_and_a_forbidden_refusal_is_said(
    page: Page, warehouse: Warehouse
) -> None:
    url = warehouse.backoffice.url
    signed_in_as(page, warehouse.backoffice, CLERK)
    expect(page.locator("header nav")).not_to_contain_text("仓库")
    page.goto(f"{url}/warehouse/shipments/{REFUSE}")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("stamp")).to_have_count(0)
    csrf = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRF-Token"]
    posted = page.request.post(
        f"{url}/warehouse/shipments/{REFUSE}/check",
        form={"present": PARTS[0]},
        headers={"X-CSRF-Token": csrf},
    )
    assert posted.status == 403
    page.get_by_test_id("signout").click()

    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.goto(f"{url}/warehouse/shipments/{REFUSE}")
    expect(page.get_by_test_id("status")).to_have_attribute(
        "data-status", "InPacket"
    )  # the clerk's post changed nothing
    page.get_by_test_id("refuse-form").locator("textarea[name=reason]").fill("出庫單缺少签字")
    page.get_by_test_id("refuse").click()
    expect(page.get_by_test_id("refused-forbidden")).to_be_visible()  # fulfilment's roles table (C9)
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "InPacket")


def test_the_keeper_fills_the_days_report_once_all_is_stamped_and_hands_it_to_the_manager_ful_1_7(
    page: Page, warehouse: Warehouse
) -> None:
    """Runs after the wrong-role test: REFUSE is still InPacket, so filling is refused first."""
    url = warehouse.backoffice.url
    day = warehouse.cutoff.date().isoformat()
    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.get_by_test_id("goto-day").click()
    expect(page).to_have_url(re.compile(rf"/warehouse/days/{day}$"))
    expect(page.get_by_test_id("day-status")).to_have_attribute("data-status", "Dispatching")
    expect(page.get_by_test_id("submit-form")).to_have_count(0)  # not filled yet (FUL-7)
    page.get_by_test_id("fill-form").get_by_role("button").click()  # REFUSE is still in the packet
    expect(page.get_by_test_id("form-error")).to_contain_text("SM-SHIP-BATCH")
    expect(page.get_by_test_id("form-error")).to_contain_text(REFUSE)

    page.get_by_test_id(f"day-{REFUSE}").get_by_role("link", name=REFUSE).click()
    for part in PARTS:
        page.get_by_test_id(f"present-{part}").check()
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "AccessoriesChecked")
    page.get_by_test_id("dispatch").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "Dispatched")
    page.get_by_test_id("stamp").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "Stamped")

    page.get_by_test_id("goto-day").click()
    page.get_by_test_id("fill-form").get_by_role("button").click()
    expect(page.get_by_test_id("day-status")).to_have_attribute("data-status", "ReportFilled")
    expect(page.get_by_test_id("filled")).to_contain_text(KEEPER)
    expect(page.get_by_test_id("fill-form")).to_have_count(0)
    page.get_by_test_id("submit-form").locator("input[name=to_manager]").fill("部门经理 王")
    page.get_by_test_id("submit-form").get_by_role("button").click()
    expect(page.get_by_test_id("day-status")).to_have_attribute("data-status", "Closed")
    expect(page.get_by_test_id("submitted")).to_contain_text("部门经理 王")
    expect(page.get_by_test_id("submit-form")).to_have_count(0)  # the day is closed (FUL-7)
    page.goto(f"{url}/warehouse")
    expect(page.get_by_test_id("queue-InPacket")).not_to_contain_text(REFUSE)


def test_a_lot_received_pending_is_inspected_and_a_discrepancy_needs_its_cause_ful_22_15(
    page: Page, warehouse: Warehouse
) -> None:
    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.get_by_test_id("goto-receipt").click()
    form = page.get_by_test_id("receipt-form")
    values = {
        "sku": KETTLE.sku,
        "lot_no": "L-WH-KET-3",
        "supplier": "宁波家电有限公司",
        "delivery_note_no": "DN-WH-3",
        "note_name": "电热水壶",
        "note_quantity": "5",
        "received_name": "电热水壶",
        "received_quantity": "5",
        "label.name": "电热水壶",
        "label.specification": "1.7L",
        "label.model": "K-17",
        "label.production_date": "2026-10-01",
        "label.shelf_life_days": "3650",
        "label.safety_warning": "使用前请阅读说明书",
    }
    for name, value in values.items():
        form.locator(f"input[name='{name}']").fill(value)
    form.locator("select[name=inspection]").select_option("pending")
    page.get_by_test_id("receive").click()
    expect(page).to_have_url(re.compile(r"/warehouse/lots/SKU-WH-KETTLE/L-WH-KET-3$"))
    expect(page.get_by_test_id("inspection")).to_have_attribute("data-inspection", "pending")
    inspection = page.get_by_test_id("inspection-form")
    inspection.locator("select[name=inspection]").select_option("passed")
    inspection.locator("textarea[name=note], input[name=note]").fill("外观、通电检验合格")
    inspection.get_by_role("button").click()
    expect(page.get_by_test_id("inspection")).to_have_attribute("data-inspection", "passed")
    expect(page.get_by_test_id("inspection-form")).to_have_count(0)  # only while pending (FUL-22)

    discrepancy = page.get_by_test_id("discrepancy-form")
    discrepancy.locator("select[name=kind]").select_option("damage")
    discrepancy.locator("input[name=quantity]").fill("1")
    discrepancy.locator("input[name=responsible]").fill(KEEPER)
    discrepancy.locator("textarea[name=remedy], input[name=remedy]").fill("报运营总监，退回供应商")
    discrepancy.get_by_role("button").click()  # no cause (FUL-15)
    expect(page.get_by_test_id("error-cause")).to_be_visible()
    discrepancy = page.get_by_test_id("discrepancy-form")
    expect(discrepancy.locator("input[name=quantity]")).to_have_value("1")  # what was typed stays
    discrepancy.locator("textarea[name=cause], input[name=cause]").fill("搬运时跌落，外壳破裂")
    discrepancy.get_by_role("button").click()
    expect(page.get_by_test_id("done")).to_be_visible()
    expect(page.get_by_test_id("damaged")).to_have_text("1")


def test_the_days_ledger_is_closed_once_ful_13(page: Page, warehouse: Warehouse) -> None:
    day = warehouse.cutoff.date().isoformat()
    signed_in_as(page, warehouse.backoffice, KEEPER)
    page.get_by_test_id("goto-ledger").click()
    form = page.get_by_test_id("ledger-form")
    expect(form.locator("input[name=day]")).to_have_value(day)  # today by default
    form.get_by_role("button").click()
    expect(page.get_by_test_id("done")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text(KEEPER)  # who closed it, when
    page.get_by_test_id("ledger-form").get_by_role("button").click()  # a second time
    expect(page.get_by_test_id("form-error")).to_contain_text("FUL-13")
    expect(page.get_by_test_id("form-error")).to_contain_text("closed already")
