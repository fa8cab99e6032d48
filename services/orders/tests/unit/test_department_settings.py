"""AS-11, SM-ORD: orders complete by the department's one return window, SHOP_RETURN_WINDOW_DAYS,
which after-sales bounds quality returns by; the former ORDERS_RETURN_WINDOW_DAYS is refused at
start-up, naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orders.bootstrap import OrdersSettings, build


def test_orders_read_the_department_return_window_shared_with_aftersales_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert OrdersSettings().policy().return_window == timedelta(days=7)
    monkeypatch.setenv("SHOP_RETURN_WINDOW_DAYS", "10")
    assert OrdersSettings().policy().return_window == timedelta(days=10)


def test_the_old_orders_return_window_setting_is_refused_naming_the_new_one_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORDERS_RETURN_WINDOW_DAYS", "9")
    with pytest.raises(ValueError, match=r"ORDERS_RETURN_WINDOW_DAYS.*AS-11.*SHOP_RETURN_WINDOW_DAYS"):
        build()
