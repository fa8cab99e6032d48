"""SM-RET, SM-CMP, SM-CUST-FLAG: each context's domain owns its states; the query contract reports
the same values, so the enums cannot drift."""

from __future__ import annotations

from enum import StrEnum

import pytest

from aftersales.customers.domain.status import ComplaintStatus, CustomerFlagStatus
from aftersales.refunds.domain.status import RefundCaseStatus
from shop_contracts.queries import aftersales as q


@pytest.mark.parametrize(
    ("domain", "reported"),
    [
        (RefundCaseStatus, q.RefundCaseStatus),
        (ComplaintStatus, q.ComplaintStatus),
        (CustomerFlagStatus, q.CustomerFlagStatus),
    ],
)
def test_the_domain_states_are_the_ones_the_query_contract_reports_sm_ret_sm_cmp_sm_cust_flag(
    domain: type[StrEnum], reported: type[StrEnum]
) -> None:
    assert {s.name: s.value for s in domain} == {s.name: s.value for s in reported}
