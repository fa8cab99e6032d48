"""SM-ORD: the domain owns the order's states; the query contract reports the same values, so the
two enums cannot drift."""

from __future__ import annotations

from orders.domain.status import OrderStatus
from shop_contracts.queries import orders as q


def test_the_domain_states_are_the_ones_the_query_contract_reports_sm_ord() -> None:
    assert {s.name: s.value for s in OrderStatus} == {s.name: s.value for s in q.OrderStatus}
