"""The warehouse's reporting line is configuration (C14; FUL-4, FUL-5, FUL-7): one setting for the
exception recipients, one for the daily report's role, both checked at start-up; shipping days come
from the one department calendar (C4, FUL-2)."""

from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import ValidationError

from fulfilment.bootstrap import FulfilmentSettings, build


def test_c14_defaults_follow_the_seeds_ops_director_and_store_manager_and_the_department_manager() -> None:
    shipping = FulfilmentSettings().shipping_policy("Asia/Shanghai")
    assert shipping.report_recipients == ("ops_director", "store_manager")
    assert shipping.daily_report_role == "dept_manager"
    assert FulfilmentSettings().stock_policy().report_recipients == ("ops_director", "store_manager")


def test_c14_one_recipients_setting_reaches_shipping_and_stock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FULFILMENT_STOCK_REPORT_RECIPIENTS", '["store_manager"]')
    monkeypatch.setenv("FULFILMENT_DAILY_REPORT_TO_ROLE", "ops_director")
    settings = FulfilmentSettings()
    shipping = settings.shipping_policy("Asia/Shanghai")
    assert shipping.report_recipients == settings.stock_policy().report_recipients == ("store_manager",)
    assert shipping.daily_report_role == "ops_director"


def test_c14_an_empty_recipient_list_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FULFILMENT_STOCK_REPORT_RECIPIENTS", "[]")
    with pytest.raises(ValidationError) as exc:
        FulfilmentSettings()
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
    shipping = FulfilmentSettings().shipping_policy("Asia/Shanghai")
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


def test_env_names_stay_fulfilment_for_shipping_and_fulfilment_stock_for_the_ledger_ful2_ful12_ful19(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each number is declared once on its context's policy; the settings class inherits both and
    reads them under the names operators already use (an unprefixed stock name is not read)."""
    monkeypatch.setenv("FULFILMENT_CUTOFF", "15:30")
    monkeypatch.setenv("FULFILMENT_DOCUMENT_PREFIXES", '{"report": "XR"}')
    monkeypatch.setenv("FULFILMENT_STOCK_ACCEPT_MISMATCHED_INBOUND", "false")
    monkeypatch.setenv("FULFILMENT_STOCK_CHECK_POINTS", '["before_work"]')
    monkeypatch.setenv("FULFILMENT_CHECK_POINTS", '["not_read"]')
    monkeypatch.setenv("FULFILMENT_REPORT_RECIPIENTS", '["not_read"]')
    settings = FulfilmentSettings()
    shipping, stock = settings.shipping_policy("Asia/Shanghai"), settings.stock_policy()
    assert shipping.cutoff == time(15, 30)
    assert shipping.number("report", 1) == "XR00000001"
    assert shipping.number("waybill", 1) == "WB00000001"
    assert (stock.accept_mismatched_inbound, stock.check_points) == (False, ("before_work",))
    assert stock.report_recipients == shipping.report_recipients == ("ops_director", "store_manager")


def test_c9_the_one_roles_setting_reaches_both_contexts_policies() -> None:
    settings = FulfilmentSettings.model_validate(
        {"command_roles": '{"CheckAccessories": ["store_manager"], "ReceiveInbound": ["store_manager"]}'}
    )
    assert settings.shipping_policy("Asia/Shanghai").roles.roles("CheckAccessories") == ("store_manager",)
    assert settings.stock_policy().roles.roles("ReceiveInbound") == ("store_manager",)
