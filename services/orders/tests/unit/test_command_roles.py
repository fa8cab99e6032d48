"""Who may issue which order command is a setting (conflict C9): `ORDERS_COMMAND_ROLES` replaces the
default roles of the commands it names; a bad value stops the service at start-up, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.settings import RuntimeSettings
from orders.bootstrap import OrdersSettings, build
from shop_contracts.commands import orders as c
from shop_contracts.envelope import Actor

from .helpers import ACCOUNT, AFTERSALES, BACKOFFICE, Orders, correct, place


def configured(command_roles: str) -> Orders:
    settings = OrdersSettings.model_validate({"command_roles": command_roles, "company_accounts": [ACCOUNT]})
    return Orders(settings.policy())


def out_of_stock(actor: Actor) -> c.NotifyOutOfStock:
    return c.NotifyOutOfStock(command_id="oos", actor=actor, order_id="o-1", sku="CABLE")


async def test_an_override_lets_back_office_notify_out_of_stock_c9_ord_10() -> None:
    orders = configured('{"NotifyOutOfStock": ["backoffice_order_staff"]}')
    await orders.given(place())

    await orders.when(out_of_stock(BACKOFFICE))

    assert orders.types()[-1] == "OrderOutOfStockNotified"


async def test_an_override_refuses_the_default_role_citing_the_rule_c9_ord_10() -> None:
    orders = configured('{"NotifyOutOfStock": ["backoffice_order_staff"]}')
    await orders.given(place())

    with pytest.raises(Forbidden) as refused:
        await orders.when(out_of_stock(AFTERSALES))

    assert refused.value.rule == "ORD-10"
    assert "needs the role backoffice_order_staff" in refused.value.message
    assert orders.types() == ["OrderPlaced"]


async def test_an_override_of_the_correcting_role_moves_who_may_correct_c9_ord_6() -> None:
    orders = configured('{"CorrectOrderDetails": ["backoffice_order_staff"]}')
    await orders.given(place())

    await orders.when(correct({"phone": "13900000000"}, actor=BACKOFFICE))
    with pytest.raises(RuleViolated) as refused:
        await orders.when(correct({"phone": "13700000000"}, actor=AFTERSALES, command_id="fix-2"))

    assert refused.value.rule == "ORD-5"
    assert orders.types() == ["OrderPlaced", "OrderDetailsCorrected", "OrderAmendmentRejected"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"NotifyOutOfStocks": ["backoffice_order_staff"]}', "NotifyOutOfStocks: no such command"),
        ('{"NotifyOutOfStock": []}', "NotifyOutOfStock: name at least one role"),
        ('{"NotifyOutOfStock": ["Back Office"]}', "NotifyOutOfStock: ['Back Office'] are not role ids"),
        ('{"NotifyOutOfStock": ', "not JSON"),
    ],
)
def test_a_bad_command_roles_setting_stops_the_service_at_start_up_naming_it_c9(
    value: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERS_COMMAND_ROLES", value)

    with pytest.raises(ValidationError) as refused:
        build(RuntimeSettings(var_dir=tmp_path))

    assert f"ORDERS_COMMAND_ROLES: {problem}" in str(refused.value)
