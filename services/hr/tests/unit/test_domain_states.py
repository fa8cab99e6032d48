"""The domain owns its states; the read side's contracts report the same values (SM-LEAVE): the
two enums cannot drift apart unnoticed."""

from __future__ import annotations

from hr.time.domain.state import LeaveStatus
from shop_contracts.queries import hr as queries


def test_the_leave_states_the_domain_stores_are_the_ones_the_query_contract_reports_sm_leave() -> None:
    assert {s.name: s.value for s in LeaveStatus} == {s.name: s.value for s in queries.LeaveStatus}
