"""HR's month in a real Chromium against a real shop of its own (issue 18 parts 3-5; HR-36, HR-38,
HR-40, SM-PAY).

HR (人事部, who also holds the e-commerce supervisor's role that gives shifts, HR-7) onboards a new
employee through the form (HR-38), gives them a shift (HR-1..HR-5), calculates last month with the
plan completion typed where the KPI service gave none (HR-40), opens the new employee's payslip with
its lines, rules and sources, and downloads it and the whole month as PDF (text checks). Wrong
roles: an employee without an HR role sees no HR menu, is refused the page, and a forged onboarding
post is refused (403); the cashier, who has the HR home for the salaries paid (SM-PAY), posts an
onboarding anyway and the HR service refuses it (`forbidden`, HR-38), which the page shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

import nats
import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect

from jetstream_es.testing.nats_server import free_port
from shopdemo import flows
from shopdemo.client import ShopClient
from shopdemo.identity import Identity
from shopdemo.staff import READER
from shopdemo.system import RunningShop, start_shop

from .conftest import LINK, RunningBackoffice, start_backoffice, stop_backoffice
from .test_signing_in import admin_link_for, set_password, sign_in

pytestmark = pytest.mark.timeout(600)
T = TypeVar("T")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HR_PERSON, PLAIN, CASHIER, NEW = "e-7001", "e-7009", "e-7010", "e-7002"
NEW_NAME = "李小红"


@dataclass
class HrShop:
    shop: RunningShop
    backoffice: RunningBackoffice
    period: str
    first: dt.date


def on_shop(shop: RunningShop, work: Callable[[ShopClient], Awaitable[T]]) -> T:
    """`work` with a demo client of the shop, in a thread of its own (Playwright's sync API keeps an
    event loop running in this one)."""
    out: list[T] = []
    failed: list[BaseException] = []

    async def run() -> None:
        nc = await nats.connect(shop.url, connect_timeout=2)
        try:
            client = ShopClient(
                nc,
                prefix="bo-hr",
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


async def _staff(client: ShopClient) -> None:
    people = {HR_PERSON: ("hr_dept", "ecom_supervisor"), PLAIN: (), CASHIER: ("cashier",)}
    for person, roles in people.items():
        await flows.onboard(client, person, f"員工{person[-2:]}", dt.date(2026, 1, 5))
        if roles:
            await client.identity.ensure(person, roles)
    await client.quiesce()


@pytest.fixture(scope="module")
def hr_shop(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HrShop]:
    today = dt.datetime.now(SHANGHAI).date()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    shop = start_shop(
        tmp_path_factory.mktemp("hr-shop"),
        free_port(),
        free_port(),
        clock="system",
        env={"SHOP_BACKOFFICE_PORT": "none"},
    )
    running = start_backoffice(shop, tmp_path_factory.mktemp("hr-backoffice"))
    try:
        found = LINK.search(running.wait_for("sets a password at"))
        assert found, running.lines
        context = browser.new_context()
        set_password(context.new_page(), found.group(1))
        context.close()
        on_shop(shop, _staff)
        yield HrShop(shop, running, f"{first:%Y-%m}", first)
    finally:
        stop_backoffice(running)
        print("\n".join(running.lines[-60:]))
        assert shop.stop() == 0, shop.lines[-30:]


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


def pdf_text(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(content)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def csrf_of(page: Page) -> str:
    headers = page.locator("body").get_attribute("hx-headers")
    assert headers
    token: str = json.loads(headers)["X-CSRF-Token"]
    return token


ONBOARDING = {
    "employee_id": NEW,
    "post": "customer service",
    "personal.name": NEW_NAME,
    "personal.id_number": "310101199502020022",
    "personal.phone": "13900000002",
    "personal.address": "上海市浦东新区",
    "personal.bank_account": "6222000011113333",
}


def test_hrs_month_onboard_a_shift_calculate_and_the_payslip_as_pdf_hr_36_hr_38_hr_40(
    page: Page, hr_shop: HrShop
) -> None:
    url = hr_shop.backoffice.url
    signed_in_as(page, hr_shop.backoffice, HR_PERSON)
    page.goto(f"{url}/hr")
    expect(page.locator("header nav a[href='/hr']")).to_have_count(1)
    page.get_by_test_id("hr-nav-onboard").click()
    form = page.get_by_test_id("onboard-form")
    for name, value in ONBOARDING.items():
        form.locator(f"[name='{name}']").fill(value)
    form.locator("[name=join_date]").fill(hr_shop.first.isoformat())
    form.locator("[name=grade]").select_option("team_member")
    form.locator("[name=id_copy_received]").check()
    form.locator("[name=employee_file_completed]").check()
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/hr/employees/{NEW}$"))
    expect(page.get_by_test_id("employee-name")).to_have_text(NEW_NAME)
    expect(page.get_by_test_id("history").first).to_contain_text("已入职")
    expect(page.get_by_test_id("history").first).to_contain_text(HR_PERSON)  # who

    safety = page.get_by_test_id("safety-form")  # no shift before the safety exam (DIS-13)
    safety.locator("[name=passed]").check()
    safety.locator("[name=taken_on]").fill(hr_shop.first.isoformat())
    safety.locator("[name=score]").fill("92")
    safety.locator("button[type=submit]").click()
    expect(page.get_by_test_id("employee-status")).to_have_text("在职")

    shift_day = hr_shop.first + dt.timedelta(days=1)
    shift = page.get_by_test_id("shift-form")
    shift.locator("[name=work_date]").fill(shift_day.isoformat())
    shift.locator("[name=shift]").select_option("administrative")
    shift.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/hr/attendance\?day={shift_day}"))
    expect(page.get_by_test_id(f"shift-{NEW}")).to_have_text("行政班")

    page.goto(f"{url}/hr")  # onboarded elsewhere: HR's ListEmployees names them to HR (HR-38)
    for person in (PLAIN, CASHIER, NEW):
        expect(page.get_by_test_id("employees")).to_contain_text(person)
    expect(page.get_by_test_id("employees")).to_contain_text(f"員工{PLAIN[-2:]}")
    expect(page.get_by_test_id("employees")).to_contain_text(NEW_NAME)

    page.goto(f"{url}/hr/payroll?period={hr_shop.period}")
    expect(page.get_by_test_id("payroll-status")).to_have_text("未计算")
    for person in (HR_PERSON, PLAIN, CASHIER, NEW):  # no KPI figure: completion typed (HR-40)
        page.get_by_test_id(f"input-{person}-completion").fill("0.9")
    page.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("payroll-status")).to_have_text("已计算")

    page.get_by_test_id(f"payslip-{NEW}").click()
    lines = page.get_by_test_id("payslip-lines")
    expect(lines).to_contain_text("基本工資")
    expect(page.get_by_test_id("line-performance_pay")).to_contain_text("HR-40")
    expect(page.get_by_test_id("line-performance_pay")).to_contain_text("typed with CalculatePayroll")
    net = page.get_by_test_id("payslip-net").inner_text()

    with page.expect_download() as download:
        page.get_by_test_id("payslip-pdf").click()
    path = download.value.path()
    assert path is not None
    typed = "\n".join(pdf_text(path.read_bytes()))
    for needle in ("工資單 Payslip", hr_shop.period, NEW, NEW_NAME, "HR-40", "人事部 HR", "員工 Employee"):
        assert needle in typed, needle
    assert f"{float(net):,.2f}" in typed

    month = page.request.get(f"{url}/hr/payroll/{hr_shop.period}/pdf")
    assert month.status == 200
    assert month.headers["content-type"] == "application/pdf"
    pages = pdf_text(month.body())
    assert len(pages) >= 4
    for person in (HR_PERSON, PLAIN, CASHIER, NEW):
        assert any(person in text for text in pages), person

    page.goto(f"{url}/hr/payroll?period={hr_shop.period}")  # close (HR-33), then pay (SM-PAY)
    page.get_by_test_id("close-form").locator("button").click()
    expect(page.get_by_test_id("payroll-status")).to_have_text("已结算")
    page.get_by_test_id("pay-form").locator("[name=bank_ref]").fill("BANK-2026-11-01")
    page.get_by_test_id("pay-form").locator("button[type=submit]").click()
    # last month's salaries are paid on the 20th of this month, not before (HR-33, HR-36)
    expect(page.get_by_test_id("pay-form").get_by_test_id("form-error")).to_contain_text("HR-33")
    expect(page.get_by_test_id("payroll-status")).to_have_text("已结算")
    expect(page.get_by_test_id("history").last).to_contain_text("工资期已结算")


def test_a_person_without_an_hr_role_sees_no_hr_menu_and_a_forged_post_is_refused(
    page: Page, hr_shop: HrShop
) -> None:
    url = hr_shop.backoffice.url
    signed_in_as(page, hr_shop.backoffice, PLAIN)
    expect(page).to_have_url(re.compile(r"/me"))
    expect(page.locator("header nav a[href='/hr']")).to_have_count(0)
    page.goto(f"{url}/hr/payroll")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    forged = page.request.post(
        f"{url}/hr/employees",
        form={
            **ONBOARDING,
            "employee_id": "e-7666",
            "join_date": hr_shop.first.isoformat(),
            "grade": "team_member",
            "id_copy_received": "on",
            "employee_file_completed": "on",
        },
        headers={"X-CSRF-Token": csrf_of(page)},
    )
    assert forged.status == 403
    page.get_by_test_id("signout").click()

    signed_in_as(page, hr_shop.backoffice, HR_PERSON)
    page.goto(f"{url}/hr/employees/e-7666")
    expect(page.get_by_test_id("employee-missing")).to_be_visible()  # nothing was onboarded


def test_the_cashiers_forged_onboarding_is_refused_by_hr_and_the_page_says_so_hr_38(
    page: Page, hr_shop: HrShop
) -> None:
    url = hr_shop.backoffice.url
    signed_in_as(page, hr_shop.backoffice, CASHIER)
    page.goto(f"{url}/hr")
    expect(page.get_by_test_id("hr-nav")).to_be_visible()
    expect(page.get_by_test_id("hr-nav-onboard")).to_have_count(0)  # no such action for the cashier
    page.goto(f"{url}/hr/employees/new")
    expect(page.get_by_test_id("onboard-form")).to_have_count(0)
    forged = page.request.post(
        f"{url}/hr/employees",
        form={
            **ONBOARDING,
            "employee_id": "e-7667",
            "join_date": hr_shop.first.isoformat(),
            "grade": "team_member",
            "id_copy_received": "on",
            "employee_file_completed": "on",
        },
        headers={"X-CSRF-Token": csrf_of(page)},
    )
    assert forged.status == 400
    page.set_content(forged.text())  # the page HR's refusal was rendered on
    expect(page.get_by_test_id("form-error")).to_contain_text("HR-38")


def test_the_duty_rota_shows_who_covers_and_a_weekend_not_starting_on_saturday_is_named_duty_2(
    page: Page, hr_shop: HrShop
) -> None:
    url = hr_shop.backoffice.url
    signed_in_as(page, hr_shop.backoffice, HR_PERSON)
    page.goto(f"{url}/hr/duty")
    expect(page.get_by_test_id("on-duty-now")).to_contain_text("在线客服时间")
    expect(page.get_by_test_id("duty-rota").locator("tbody tr")).to_have_count(7)
    form = page.get_by_test_id("weekend-form")
    friday = hr_shop.first + dt.timedelta(days=(4 - hr_shop.first.weekday()) % 7)
    form.locator("[name=saturday]").fill(friday.isoformat())
    form.locator("[name=saturday_staff]").fill(PLAIN)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-saturday")).to_contain_text("not a Saturday")
