"""Signing in to the back office in a real Chromium against the real shop (issue 18 parts 2 and 4):
the first administrator's one-time link, an account for an HR employee picked from HR's
ListEmployees (HR-38), a wrong password, the
lockout, an expired session, a CSRF-less post, sign-out, and an employee's clock-in stamped by the
HR service (HR-10)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from .conftest import PASSWORD, RunningBackoffice

# the first test also waits for the shop and the back office to start (a loaded machine: minutes)
pytestmark = pytest.mark.timeout(300)


def set_password(page: Page, link: str, password: str = PASSWORD) -> None:
    page.goto(link)
    page.fill("input[name=password]", password)
    page.fill("input[name=repeat]", password)
    page.click("[data-testid=set-password] button")
    expect(page.get_by_test_id("reason")).to_be_visible()


def sign_in(page: Page, url: str, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/signin")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("[data-testid=signin] button")


def admin_link_for(page: Page, url: str, person: str) -> str:
    """A one-time link for `person`: a new account, or a new link when it has one (tests share a shop)."""
    page.goto(f"{url}/accounts")
    if person in page.get_by_test_id("accounts").inner_text():
        page.locator("tr", has_text=person).locator("button").click()
    else:
        page.get_by_test_id("pick-employee").select_option(person)  # HR's ListEmployees (HR-38)
        page.click("[data-testid=open-account] button")
    return page.get_by_test_id("one-time-link").locator("code").inner_text()


def test_the_first_administrator_sets_a_password_signs_in_and_opens_an_account(
    page: Page, backoffice: RunningBackoffice, first_link: str, admin: str, employee: str
) -> None:
    page.goto(first_link)
    expect(page.get_by_test_id("link-invalid")).to_be_visible()  # a link works once
    sign_in(page, backoffice.url, "admin")
    expect(page).to_have_url(re.compile(r"/accounts$"))
    expect(page.get_by_test_id("who")).to_contain_text("identity_admin")
    link = admin_link_for(page, backoffice.url, employee)
    assert "/link/" in link
    expect(page.get_by_test_id("accounts")).to_contain_text(employee)


def test_an_account_for_someone_hr_does_not_know_is_refused_hr_38(
    page: Page, backoffice: RunningBackoffice, admin: str
) -> None:
    sign_in(page, backoffice.url, "admin")
    page.goto(f"{backoffice.url}/accounts")
    picker = page.get_by_test_id("pick-employee")
    expect(picker).to_be_visible()  # HR lists its employees to the administrator (HR-38)
    expect(picker.locator("option", has_text="nobody-at-all")).to_have_count(0)
    # a forged choice of someone HR does not list: the back office still asks HR's record
    picker.evaluate(
        "s => { s.add(new Option('nobody-at-all', 'nobody-at-all')); s.value = 'nobody-at-all'; }"
    )
    page.click("[data-testid=open-account] button")
    expect(page.get_by_test_id("error-person_id")).to_contain_text("HR-38")


def employee_signed_in(page: Page, backoffice: RunningBackoffice, employee: str) -> None:
    sign_in(page, backoffice.url, "admin")
    link = admin_link_for(page, backoffice.url, employee)
    page.get_by_test_id("signout").click()
    set_password(page, link)
    sign_in(page, backoffice.url, employee)
    expect(page).to_have_url(re.compile(r"/me"))


def test_an_employee_clocks_in_and_sees_the_services_stamp_hr_10(
    page: Page, backoffice: RunningBackoffice, admin: str, employee: str
) -> None:
    employee_signed_in(page, backoffice, employee)
    before = datetime.now(UTC)
    punches = page.get_by_test_id("punch")
    count = punches.count()
    page.get_by_test_id("clock-in").click()
    expect(punches).to_have_count(count + 1)
    expect(page.get_by_test_id("clock-in-at")).to_have_text(
        re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
    )
    latest = punches.last.inner_text().rsplit(" ", 2)
    stamped = datetime.strptime(" ".join(latest[-2:]), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) - timedelta(
        hours=8
    )
    # the service's clock at receipt (Asia/Shanghai on the page), not a time the browser sent
    assert before - timedelta(seconds=5) <= stamped <= datetime.now(UTC) + timedelta(seconds=5)


def test_a_wrong_password_is_refused_and_audited(
    page: Page, backoffice: RunningBackoffice, admin: str
) -> None:
    sign_in(page, backoffice.url, "admin", "not the password")
    expect(page.get_by_test_id("signin-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/signin$"))
    sign_in(page, backoffice.url, "admin")  # the right one still works, and resets the count
    expect(page).to_have_url(re.compile(r"/accounts$"))
    expect(page.get_by_test_id("audit")).to_contain_text("登录名或密码错误")


def test_five_failures_lock_the_account_even_for_the_right_password(
    page: Page, backoffice: RunningBackoffice, admin: str, employee: str
) -> None:
    employee_signed_in(page, backoffice, employee)
    page.get_by_test_id("signout").click()
    for _ in range(5):
        sign_in(page, backoffice.url, employee, "wrong wrong wrong")
    sign_in(page, backoffice.url, employee)
    expect(page.get_by_test_id("signin-error")).to_contain_text(re.compile("锁定|locked"))
    with sqlite3.connect(backoffice.db) as db:  # unlock for the other tests
        db.execute("update accounts set locked_until = null, failures = 0 where person_id = ?", (employee,))


def test_an_expired_session_is_sent_to_sign_in(page: Page, backoffice: RunningBackoffice, admin: str) -> None:
    sign_in(page, backoffice.url, "admin")
    expect(page).to_have_url(re.compile(r"/accounts$"))
    with sqlite3.connect(backoffice.db) as db:  # 31 minutes without a request (idle timeout 30)
        db.execute("update sessions set last_seen_at = datetime(last_seen_at, '-31 minutes')")
    page.goto(f"{backoffice.url}/accounts")
    expect(page).to_have_url(re.compile(r"/signin\?reason=expired"))


def test_a_person_whose_roles_were_all_revoked_is_signed_out_idn_6(
    page: Page, backoffice: RunningBackoffice, admin: str, employee: str
) -> None:
    """The session remembers a role the grants no longer give (revoked, e.g. on offboarding, IDN-5);
    once its roles are older than 60 s the next request asks RolesOf, finds none, and signs out."""
    employee_signed_in(page, backoffice, employee)
    with sqlite3.connect(backoffice.db) as db:
        db.execute(
            "update sessions set roles = '[\"hr_dept\"]', roles_checked_at = datetime(roles_checked_at, '-2 minutes')"
            " where person_id = ?",
            (employee,),
        )
    page.goto(f"{backoffice.url}/me")
    expect(page).to_have_url(re.compile(r"/signin\?reason=roles_revoked"))


def test_a_post_without_the_csrf_token_is_refused_403(
    page: Page, backoffice: RunningBackoffice, admin: str
) -> None:
    sign_in(page, backoffice.url, "admin")
    response = page.request.post(f"{backoffice.url}/accounts", form={"person_id": "e-9999"})
    assert response.status == 403
    assert "CSRF" in response.text()
    page.goto(f"{backoffice.url}/accounts")
    expect(page.get_by_test_id("accounts")).not_to_contain_text("e-9999")


def test_signing_out_ends_the_session(page: Page, backoffice: RunningBackoffice, admin: str) -> None:
    sign_in(page, backoffice.url, "admin")
    page.get_by_test_id("signout").click()
    expect(page).to_have_url(re.compile(r"/signin\?reason=signed_out"))
    page.goto(f"{backoffice.url}/accounts")
    expect(page).to_have_url(re.compile(r"/signin"))
