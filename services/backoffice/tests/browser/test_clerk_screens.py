"""The order clerk's 14:00 batch in a real Chromium against a real shop on the simulation clock
(issue 18 parts 3 and 5; FUL-1, FUL-2, FUL-3, SM-SHIP-BATCH).

The shop runs on its simulation clock so the test owns the cut-off: orders placed by the platform
connector's program token in the morning make today's batch, one placed after 14:00 rolls to the
next day (FUL-2); the daily report may not be made before the cut-off (FUL-2, refused with the
rule on the page) and is made after it (FUL-1); the whole batch downloads as ONE PDF merged in the
back office from one RenderDocument per document, page count = 1 + 3 x shipments, its Chinese
text extracting (出庫單, 發貨日報表) with every shipment's document numbers; the packet is handed
to the keeper with the day's own numbers (FUL-3). The clerk's forged post of the keeper's
FillDailyShippingReport is refused by fulfilment itself (`forbidden`, FUL-1), and the page says so.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from backoffice.web.i18n import load_catalogues
from jetstream_es.testing.nats_server import free_port
from shopdemo import flows
from shopdemo.client import ShopClient, SimClock
from shopdemo.staff import COMPANY_ACCOUNT, KEEPER
from shopdemo.system import RunningShop, start_shop

from .conftest import LINK, RunningBackoffice, start_backoffice, stop_backoffice
from .test_service_screens import MUG, on_shop, signed_in_as, staff
from .test_signing_in import set_password

pytestmark = pytest.mark.timeout(480)  # a shop of its own starts, on the simulation clock
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLERK = "e-3701"
DAY = dt.datetime.now(SHANGHAI).date()
"""The back office's today (its own wall clock); the shop's simulation clock is set on this day."""
ZH = load_catalogues()["zh_CN"].gettext


@pytest.fixture(scope="module")
def sim_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningShop]:
    var = tmp_path_factory.mktemp("sim-shop")
    running = start_shop(
        var,
        free_port(),
        free_port(),
        clock="simulation",
        env={
            "SHOP_BACKOFFICE_PORT": "none",
            "SHOP_BUSINESS_TZ": "Asia/Shanghai",
            "ORDERS_COMPANY_ACCOUNTS": json.dumps([COMPANY_ACCOUNT]),  # the platform's payments land (ORD-12)
        },
    )
    try:
        at(running, 10, 0)
        yield running
    finally:
        assert running.stop() == 0, running.lines[-30:]


@pytest.fixture(scope="module")
def sim_backoffice(
    sim_shop: RunningShop, tmp_path_factory: pytest.TempPathFactory, browser: Browser
) -> Iterator[RunningBackoffice]:
    running = start_backoffice(sim_shop, tmp_path_factory.mktemp("sim-backoffice"))
    try:
        found = LINK.search(running.wait_for("sets a password at"))
        assert found, running.lines
        context = browser.new_context()
        set_password(context.new_page(), found.group(1))
        context.close()
        staff(sim_shop, {CLERK: ("order_clerk",)})
        yield running
    finally:
        stop_backoffice(running)
        print("\n".join(running.lines[-80:]))


def at(shop: RunningShop, hour: int, minute: int) -> None:
    """Move the shop's simulation clock to `hour:minute` of DAY in Shanghai."""
    when = dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=SHANGHAI)

    async def move(client: ShopClient) -> None:
        await SimClock(client).set(when, within=30)

    on_shop(shop, move)


def ready_orders(shop: RunningShop, order_ids: list[str]) -> None:
    """The platform places and pays each order; sales remark, the back office confirms and hands
    it over (SM-ORD): each becomes eligible for the shipping day now (FUL-2)."""

    async def work(client: ShopClient) -> None:
        for order_id in order_ids:
            await flows.order_ready_to_ship(client, order_id, (MUG,))
        await client.quiesce()

    on_shop(shop, work)


def test_ful1_ful2_the_clerks_1400_batch_is_reported_printed_as_one_pdf_and_handed_over(
    page: Page, sim_backoffice: RunningBackoffice, sim_shop: RunningShop
) -> None:
    run = uuid.uuid4().hex[:6]
    morning = [f"o-clerk-{run}-1", f"o-clerk-{run}-2"]
    ready_orders(sim_shop, morning)
    signed_in_as(page, sim_backoffice, CLERK)
    expect(page).to_have_url(re.compile(r"/clerk$"))
    page.goto(f"{sim_backoffice.url}/clerk?day={DAY.isoformat()}")
    expect(page.get_by_test_id("today-total")).to_have_text("2")
    for order_id in morning:
        expect(page.get_by_test_id("batch-today")).to_contain_text(order_id)
    # before the cut-off the service refuses the report, naming its rule (FUL-2)
    page.get_by_test_id("action-generate").locator("button").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("FUL-2")

    at(sim_shop, 14, 5)  # past the cut-off: a new order rolls to the next day
    late = f"o-clerk-{run}-3"
    ready_orders(sim_shop, [late])
    page.goto(f"{sim_backoffice.url}/clerk?day={DAY.isoformat()}")
    expect(page.get_by_test_id("batch-next")).to_contain_text(late)
    expect(page.get_by_test_id("batch-today")).not_to_contain_text(late)
    page.get_by_test_id("action-generate").locator("button").click()
    expect(page.get_by_test_id("today-status")).to_have_text(ZH("ReportGenerated"))
    report_no = page.get_by_test_id("today-report-no").inner_text()
    assert report_no

    with page.expect_download() as downloaded:
        page.get_by_test_id("batch-pdf").click()
    content = Path(downloaded.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(content)).pages) == 1 + 3 * len(morning)
    doc = pdfium.PdfDocument(content)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    assert "發貨日報表" in texts[0]
    assert report_no in texts[0]
    assert sum("出庫單" in t for t in texts[1:]) >= len(morning)
    for order_id in morning:
        assert order_id in texts[0], f"{order_id} is on the day's report"
    rows = page.get_by_test_id("today-shipments").locator("tbody tr")
    for index in range(rows.count()):
        for number in rows.nth(index).locator("a").all_inner_texts():
            assert any(number in t for t in texts[1:]), f"{number} is printed in the batch"

    # the packet handed over with the day's own numbers (FUL-3): only the keeper is typed
    form = page.get_by_test_id("action-hand-over")
    expect(form.locator("input[name=waybill_nos]")).to_have_count(0)
    form.locator("input[name=to_keeper]").fill(KEEPER.id)
    form.locator("button").click()
    expect(page.get_by_test_id("today-status")).to_have_text(ZH("HandedToWarehouse"))
    expect(page.get_by_test_id("history")).to_contain_text(CLERK)

    # the keeper's step is not the clerk's: not shown, and a forged post is refused by fulfilment
    expect(page.get_by_test_id("action-fill")).to_have_count(0)
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    forged = page.request.post(
        f"{sim_backoffice.url}/clerk/days/{DAY.isoformat()}/fill", form={"csrf_token": csrf}
    )
    assert forged.status == 403, forged.text()
    assert "forbidden" in forged.text(), forged.text()
    page.set_content(forged.text())
    expect(page.get_by_test_id("refusal-forbidden")).to_be_visible()
