"""SM-RET, SM-CMP, SM-CUST-FLAG: the domain owns the states; the query contract reports the same
values, so the enums cannot drift."""

from __future__ import annotations

import pytest

from aftersales.domain import status
from shop_contracts.queries import aftersales as q


@pytest.mark.parametrize("name", ["RefundCaseStatus", "ComplaintStatus", "CustomerFlagStatus"])
def test_the_domain_states_are_the_ones_the_query_contract_reports_sm_ret_sm_cmp_sm_cust_flag(
    name: str,
) -> None:
    domain, reported = getattr(status, name), getattr(q, name)
    assert {s.name: s.value for s in domain} == {s.name: s.value for s in reported}
