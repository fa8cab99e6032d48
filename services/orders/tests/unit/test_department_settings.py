"""Orders' settings: each number declared once (ORD-1..ORD-3, ORD-12, C1); AS-11, SM-ORD: orders complete by the department's one return window, SHOP_RETURN_WINDOW_DAYS,
which after-sales bounds quality returns by; the former ORDERS_RETURN_WINDOW_DAYS is refused at
start-up, naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orders.bootstrap import OrdersSettings, build
from orders.domain.policy import CorrectionPolicy


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


def test_each_order_number_keeps_its_environment_variable_ord_1_ord_2_ord_3_ord_12_c1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The numbers are declared once, on the domain's OrderNumbers; the settings read them under the
    same ORDERS_ names as before, in the units operators set."""
    monkeypatch.setenv("ORDERS_REFRESH_MINUTES", "15")
    monkeypatch.setenv("ORDERS_CONTACT_MINUTES", "20")
    monkeypatch.setenv("ORDERS_HANDOVER_HOURS", "12")
    monkeypatch.setenv("ORDERS_COMPANY_ACCOUNTS", '["CN-ICBC-0001"]')
    monkeypatch.setenv("ORDERS_CORRECTION_POLICY", "forbid")
    policy = OrdersSettings().policy("Asia/Shanghai")
    assert (policy.refresh_within, policy.contact_within, policy.handover_within) == (
        timedelta(minutes=15),
        timedelta(minutes=20),
        timedelta(hours=12),
    )
    assert policy.company_accounts == frozenset({"CN-ICBC-0001"})
    assert policy.corrections is CorrectionPolicy.FORBID


def test_an_order_number_out_of_bounds_is_refused_naming_the_field_ord_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORDERS_REFRESH_MINUTES", "0")
    with pytest.raises(ValueError, match="refresh_minutes"):
        OrdersSettings()
