"""Who may issue which fulfilment command is a setting (conflict C9): `FULFILMENT_COMMAND_ROLES`
replaces the default roles of the shipping and stock ledger commands it names, in one table for
both sides; a bad value stops the service at start-up, naming it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from fulfilment.bootstrap import FulfilmentSettings, build
from jetstream_es.errors import Forbidden
from jetstream_es.settings import RuntimeSettings
from shop_contracts.commands import stock as sc
from shop_contracts.envelope import Actor
from shop_contracts.events.fulfilment import AccessoriesChecked, ShipmentRecallRequested

from .shipping_helpers import (
    AFTER_CUTOFF,
    KEEPER,
    Shipping,
    accessories,
    approved,
    check,
    confirm_recalled,
    generate,
    ready_to_dispatch,
)
from .stock_helpers import TODAY, Stock

PRODUCT_MANAGER = Actor(id="pm-1", roles=("product_manager",))
STORE_MANAGER = Actor(id="sm-1", roles=("store_manager",))


def settings(command_roles: str) -> FulfilmentSettings:
    return FulfilmentSettings.model_validate({"command_roles": command_roles})


def shipping(command_roles: str) -> Shipping:
    return Shipping(settings(command_roles))


@pytest.fixture
async def stock() -> AsyncIterator[Stock]:
    harness = Stock(settings('{"RecordWarehouseCheck": ["store_manager"]}'))
    yield harness
    await harness.close()


def warehouse_check(actor: Actor, command_id: str = "chk-1") -> sc.RecordWarehouseCheck:
    return sc.RecordWarehouseCheck(
        command_id=command_id, actor=actor, day=TODAY, point="before_work", locks_ok=True
    )


async def test_an_override_lets_the_product_manager_check_accessories_c9_ful_4() -> None:
    h = shipping('{"CheckAccessories": ["product_manager"]}')
    await h.queue_order("o-1")
    await h.catalogue(accessories("TV-55", "remote"), accessories("CABLE"))
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())

    await h.when(check(("remote",), actor=PRODUCT_MANAGER))

    assert isinstance(h.events()[-1], AccessoriesChecked)


async def test_an_override_refuses_the_default_keeper_citing_the_rule_c9_ful_4() -> None:
    h = shipping('{"CheckAccessories": ["product_manager"]}')

    with pytest.raises(Forbidden) as refused:
        await h.when(check(("remote",), actor=KEEPER))

    assert refused.value.rule == "FUL-4"
    assert "needs the role product_manager" in refused.value.message


async def test_the_same_setting_moves_a_stock_ledger_command_c9_ful_19(stock: Stock) -> None:
    await stock.run(warehouse_check(STORE_MANAGER))

    with pytest.raises(Forbidden) as refused:
        await stock.run(warehouse_check(KEEPER, command_id="chk-2"))

    assert refused.value.rule == "FUL-19"
    assert len(stock.appended("WarehouseLog")) == 1


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"DefineProductAccessory": ["product_manager"]}', "DefineProductAccessory: no such command"),
        ('{"RecordWarehouseCheck": []}', "RecordWarehouseCheck: name at least one role"),
        (
            '{"DispatchShipment": ["Warehouse-Keeper"]}',
            "DispatchShipment: ['Warehouse-Keeper'] are not role ids",
        ),
        ('["warehouse_keeper"]', "give a JSON object"),
    ],
)
def test_a_bad_command_roles_setting_stops_the_service_at_start_up_naming_it_c9(
    value: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FULFILMENT_COMMAND_ROLES", value)

    with pytest.raises(ValidationError) as refused:
        build(RuntimeSettings(var_dir=tmp_path))

    assert f"FULFILMENT_COMMAND_ROLES: {problem}" in str(refused.value)


async def test_who_is_asked_to_answer_a_recall_follows_the_setting_c9_sm_ship() -> None:
    """SM-SHIP, C9: the recall goes to the roles that may confirm it, as configured."""
    h = shipping('{"ConfirmShipmentRecalled": ["store_manager"], "DeclineShipmentRecall": ["store_manager"]}')
    await ready_to_dispatch(h)
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase")
    recall = h.events()[-1]
    assert isinstance(recall, ShipmentRecallRequested)
    assert recall.reported_to == ("store_manager",)
    with pytest.raises(Forbidden):
        await h.when(confirm_recalled(actor=KEEPER))
    await h.when(confirm_recalled(actor=STORE_MANAGER))
    assert h.types()[-1] == "ShipmentCancelled"
