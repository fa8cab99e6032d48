"""A real shop for the browser tests (issue 18 part 4): `shop-run` (embedded nats-server and every
service as real processes) on free loopback ports, the back office started as `python -m
backoffice` against it, and Debian's Chromium driven by Playwright (`executable_path`; Playwright's
own browser download does not work on these machines). A missing chromium fails the tests.

Each test module gets its own shop and back office (module-scoped fixtures): a module's records
(refund cases, leave requests waiting in an inbox) never show up in another module's queues, so a
module passes alone and in the whole suite alike. The browser itself is shared by the session."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nats
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from jetstream_es.testing.nats_server import free_port
from shopdemo import flows
from shopdemo.client import ShopClient
from shopdemo.identity import Identity
from shopdemo.staff import COMPANY_ACCOUNT, READER
from shopdemo.system import RunningShop, start_shop

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LINK = re.compile(r"sets a password at (\S+)")
EMPLOYEE = "e-2001"
PASSWORD = "correct horse battery"
SCREENSHOTS = os.environ.get("BACKOFFICE_SCREENSHOTS")
"""A directory: the screenshot scenario writes `<area>.png` there (`make screenshots`)."""


@dataclass
class RunningBackoffice:
    url: str
    process: subprocess.Popen[str]
    db: Path
    lines: list[str] = field(default_factory=list)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def wait_for(self, needle: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.lines:
                if needle in line:
                    return line
            if self.process.poll() is not None:
                raise RuntimeError(f"the back office exited ({self.process.returncode}): {self.lines[-30:]}")
            time.sleep(0.05)
        raise TimeoutError(f"{needle!r} not printed within {seconds}s: {self.lines[-30:]}")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningShop]:
    var = tmp_path_factory.mktemp("shop")
    # its own back office is started below (with its output read), not by shop-run
    env = {
        "SHOP_BACKOFFICE_PORT": "none",
        "ORDERS_COMPANY_ACCOUNTS": f'["{COMPANY_ACCOUNT}"]',  # the demo's payments land (ORD-12)
        "SHOP_BUSINESS_TZ": "Asia/Shanghai",
    }
    running = start_shop(var, free_port(), free_port(), clock="system", env=env)
    try:
        yield running
    finally:
        assert running.stop() == 0, running.lines[-30:]


async def _onboard(shop: RunningShop, employee: str) -> None:
    nc = await nats.connect(shop.url, connect_timeout=2)
    try:
        client = ShopClient(
            nc,
            prefix="browser",
            timeout=15,
            identity=Identity(nc, shop.var / "identity", program="shop-demo", timeout=15),
            reader=READER,
        )
        await flows.onboard(client, employee, "王小明", dt.date(2026, 1, 5))
    finally:
        await nc.close()


@pytest.fixture(scope="module")
def employee(shop: RunningShop) -> str:
    """An HR employee (HR-38) whom the administrator gives an account."""
    # in a thread of its own: Playwright's sync API keeps an event loop running in this one
    worker = threading.Thread(target=asyncio.run, args=(_onboard(shop, EMPLOYEE),))
    worker.start()
    worker.join(60)
    return EMPLOYEE


def start_backoffice(shop: RunningShop, directory: Path, **env: str) -> RunningBackoffice:
    port = free_port()
    db = directory / "backoffice.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "backoffice"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={
            **os.environ,
            "SHOP_NATS_URL": shop.url,
            "SHOP_VAR_DIR": str(directory),
            "SHOP_IDENTITY_DIR": str(shop.var / "identity"),
            "BACKOFFICE_PORT": str(port),
            "BACKOFFICE_DB_URL": f"sqlite+aiosqlite:///{db}",
            **env,
        },
    )
    running = RunningBackoffice(f"http://127.0.0.1:{port}", process, db)
    threading.Thread(target=running.read, daemon=True).start()
    running.wait_for("listening on")
    return running


def stop_backoffice(running: RunningBackoffice) -> None:
    if running.process.poll() is None:
        running.process.terminate()
        try:
            running.process.wait(15)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait(5)


@pytest.fixture(scope="module")
def backoffice(shop: RunningShop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackoffice]:
    running = start_backoffice(shop, tmp_path_factory.mktemp("backoffice"))
    try:
        yield running
    finally:
        stop_backoffice(running)
        print("\n".join(running.lines[-80:]))  # shown when a test failed


@pytest.fixture(scope="module")
def first_link(backoffice: RunningBackoffice) -> str:
    found = LINK.search(backoffice.wait_for("sets a password at"))
    assert found, backoffice.lines
    return found.group(1)


@pytest.fixture(scope="module")
def admin(browser: Browser, first_link: str) -> str:
    """The first administrator, with the password set through the first start's link."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(first_link)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=repeat]", PASSWORD)
    page.click("[data-testid=set-password] button")
    page.wait_for_url("**/signin?reason=password_set")
    context.close()
    return "admin"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: the browser tests need Debian's chromium (`make chromium`)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()
