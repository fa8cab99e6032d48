"""Cross-service flows of issue 10 on the whole shop (real processes, one embedded NATS server,
simulation clock): the order's path from placement to delivery (ORD-7, FUL-1..FUL-7, SM-ORD)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdemo.client import ShopClient, SimClock
from shopdemo.flows import Line, order_ready_to_ship

from .conftest import START

pytestmark = pytest.mark.integration


async def test_an_order_is_confirmed_and_handed_over_through_the_public_commands(
    client: ShopClient, clock: SimClock
) -> None:
    await clock.set(START)
    lines = (Line("SKU-TEA", 2, Decimal("59.00")),)

    await order_ready_to_ship(client, "e2e-o-1", lines)
    await client.quiesce()

    order = await client.query("orders", "GetOrder", {"order_id": "e2e-o-1"})
    assert order["status"] == "HandedOver", order
