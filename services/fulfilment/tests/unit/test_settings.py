"""The warehouse's reporting line is configuration (C14; FUL-4, FUL-5, FUL-7): one setting for the
exception recipients, one for the daily report's role, both checked at start-up; shipping days come
from the one department calendar (C4, FUL-2)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from fulfilment.bootstrap import FulfilmentSettings, StockSettings, build


def test_c14_defaults_follow_the_seeds_ops_director_and_store_manager_and_the_department_manager() -> None:
    shipping = FulfilmentSettings().policy("Asia/Shanghai", tuple(StockSettings().report_recipients))
    assert shipping.report_recipients == ("ops_director", "store_manager")
    assert shipping.daily_report_role == "dept_manager"
    assert StockSettings().policy().report_recipients == ("ops_director", "store_manager")


def test_c14_one_recipients_setting_reaches_shipping_and_stock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FULFILMENT_STOCK_REPORT_RECIPIENTS", '["store_manager"]')
    monkeypatch.setenv("FULFILMENT_DAILY_REPORT_TO_ROLE", "ops_director")
    stock = StockSettings()
    shipping = FulfilmentSettings().policy("Asia/Shanghai", tuple(stock.report_recipients))
    assert shipping.report_recipients == stock.policy().report_recipients == ("store_manager",)
    assert shipping.daily_report_role == "ops_director"


def test_c14_an_empty_recipient_list_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FULFILMENT_STOCK_REPORT_RECIPIENTS", "[]")
    with pytest.raises(ValidationError) as exc:
        StockSettings()
    assert "FULFILMENT_STOCK_REPORT_RECIPIENTS" in str(exc.value)


def test_ful7_a_role_that_is_no_role_id_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FULFILMENT_DAILY_REPORT_TO_ROLE", "Dept Manager")
    with pytest.raises(ValidationError) as exc:
        FulfilmentSettings()
    assert "FULFILMENT_DAILY_REPORT_TO_ROLE" in str(exc.value)


def test_c4_shipping_days_come_from_the_one_department_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_CALENDAR_HOLIDAYS", '["2026-10-01"]')
    monkeypatch.setenv("SHOP_CALENDAR_REST_WEEKDAYS", "[7]")
    shipping = FulfilmentSettings().policy("Asia/Shanghai", ("store_manager",))
    assert not shipping.is_shipping_day(date(2026, 10, 1))
    assert not shipping.is_shipping_day(date(2026, 10, 4))  # a Sunday
    assert shipping.is_shipping_day(date(2026, 10, 3))


@pytest.mark.parametrize("old", ["FULFILMENT_SHIP_ON_WEEKENDS", "FULFILMENT_HOLIDAYS"])
async def test_c4_a_calendar_setting_of_fulfilment_alone_is_refused_not_ignored(
    monkeypatch: pytest.MonkeyPatch, old: str
) -> None:
    monkeypatch.setenv(old, "false")
    with pytest.raises(ValueError, match=f"{old}.*SHOP_CALENDAR_HOLIDAYS"):
        build()
