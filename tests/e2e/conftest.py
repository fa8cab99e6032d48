"""One whole shop per test module: `shop-run` (embedded NATS and every service as real processes)
on loopback, on the simulation clock, with its data in a temporary folder. Its identity keys are
the ones `shop-run` generated in `<var>/identity`: the client signs every request with them
(shopdemo.identity: people through the issuer with the roles their grants give them, granted on
first sight by the demo's administrator; the platform connector and the demo program with their
own keys)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nats
import pytest

from jetstream_es.testing.nats_server import free_port
from shopdemo.client import ShopClient, SimClock
from shopdemo.identity import Identity
from shopdemo.staff import COMPANY_ACCOUNT, READER
from shopdemo.system import RunningShop, start_shop

SHANGHAI = ZoneInfo("Asia/Shanghai")
# a Monday morning, so the first shipping day is a working day
START = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningShop]:
    var: Path = tmp_path_factory.mktemp("shop")
    running = start_shop(
        var,
        free_port(),
        free_port(),
        clock="simulation",
        env={"ORDERS_COMPANY_ACCOUNTS": f'["{COMPANY_ACCOUNT}"]', "SHOP_BUSINESS_TZ": "Asia/Shanghai"},
    )
    try:
        yield running
    finally:
        assert running.stop() == 0, running.lines[-30:]


@pytest.fixture
async def client(shop: RunningShop, request: pytest.FixtureRequest) -> AsyncIterator[ShopClient]:
    nc = await nats.connect(shop.url, connect_timeout=2)
    try:
        yield ShopClient(
            nc,
            prefix=request.node.name[:40].replace("[", "-").replace("]", ""),
            timeout=15,
            identity=Identity(nc, shop.var / "identity", program="shop-demo", timeout=15),
            reader=READER,
        )
    finally:
        await nc.close()


@pytest.fixture
def clock(client: ShopClient) -> SimClock:
    return SimClock(client)
