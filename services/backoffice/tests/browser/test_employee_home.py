"""Every employee's home in a real Chromium against the real shop (issue 18 part 3): a punch
recorded from another window refreshes the attendance without a reload (live updates, HR-10), a
leave form's bad field is shown beside it and a good one is listed with its state (HR-18), and the
language switch turns the screens into English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import RunningBackoffice
from .test_signing_in import employee_signed_in

# the first test also waits for the shop and the back office to start (a loaded machine: minutes)
pytestmark = pytest.mark.timeout(300)


def test_a_punch_from_another_window_refreshes_the_attendance_live_hr_10(
    page: Page, backoffice: RunningBackoffice, admin: str, employee: str
) -> None:
    employee_signed_in(page, backoffice, employee)
    other = page.context.new_page()
    other.goto(f"{backoffice.url}/me")
    other.get_by_test_id("clock-in").click()  # makes sure there is a clock-in to leave after
    page.goto(other.url)  # the same day's page
    expect(page.get_by_test_id("clock-in-at")).to_have_text(re.compile(r"\d{2}:\d{2}:\d{2}"))
    page.wait_for_timeout(500)  # the page's event stream is open
    other.get_by_test_id("clock-out").click()
    expect(page.get_by_test_id("clock-out-at")).to_have_text(re.compile(r"\d{2}:\d{2}:\d{2}"), timeout=15_000)
    other.close()


def test_a_bad_leave_field_is_shown_beside_it_and_a_good_request_is_listed_hr_18(
    page: Page, backoffice: RunningBackoffice, admin: str, employee: str
) -> None:
    employee_signed_in(page, backoffice, employee)
    form = page.get_by_test_id("leave-form")
    start = dt.date.today() + dt.timedelta(days=7)
    form.locator("select[name=leave_type]").select_option("personal")
    form.locator("input[name=start_date]").fill(start.isoformat())
    form.locator("input[name=end_date]").fill((start - dt.timedelta(days=2)).isoformat())
    form.locator("textarea[name=reason]").fill("家里有事")
    form.locator("button").click()
    expect(page.get_by_test_id("error-end_date")).to_contain_text("before")
    form = page.get_by_test_id("leave-form")
    form.locator("input[name=end_date]").fill(start.isoformat())
    form.locator("button").click()
    expect(page).to_have_url(re.compile(r"/me#leave$"))
    expect(page.get_by_test_id("leave")).to_contain_text("已提交")
    history = page.get_by_test_id("leave-history").first  # the record's history: who, when, what
    history.locator("summary").click()
    expect(history.get_by_test_id("history")).to_contain_text(employee)
    expect(history.get_by_test_id("history")).to_contain_text("已提交")


def test_the_language_switch_shows_english(page: Page, backoffice: RunningBackoffice, admin: str) -> None:
    page.goto(f"{backoffice.url}/signin")
    expect(page.locator("h1")).to_have_text("登录")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("登录")
