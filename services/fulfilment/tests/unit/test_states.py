"""The shipping domain owns its states (SM-SHIP, SM-SHIP-BATCH); the query contract reports the
same values: the two enums must not drift."""

from __future__ import annotations

from fulfilment.shipping.domain import state
from shop_contracts.queries import fulfilment as contract


def test_sm_ship_states_are_the_values_the_query_contract_reports() -> None:
    assert {s.name: s.value for s in state.ShipmentStatus} == {
        s.name: s.value for s in contract.ShipmentStatus
    }


def test_sm_ship_batch_states_are_the_values_the_query_contract_reports() -> None:
    assert {s.name: s.value for s in state.ShippingDayStatus} == {
        s.name: s.value for s in contract.ShippingDayStatus
    }
