"""Live updates' matching and the typed replies of the services (issue 18)."""

from __future__ import annotations

import pytest

from backoffice.live import Change, Watch
from backoffice.shop import ShopReply, held_roles
from shop_contracts.errors import ErrorCode, Reply


def test_a_change_is_read_from_the_event_subject() -> None:
    change = Change.of("hr.events.AttendanceDay.e-1_2026-12-02", "ClockedIn")
    assert change == Change("hr", "AttendanceDay", "e-1_2026-12-02", "ClockedIn")
    assert Change.of("hr.commands.RecordClockIn", None) is None


def test_a_watch_matches_one_id_any_id_or_a_prefix() -> None:
    change = Change("hr", "AttendanceDay", "e-1_2026-12-02", "ClockedIn")
    assert Watch.parse("hr.AttendanceDay.e-1_2026-12-02").matches(change)
    assert Watch.parse("hr.AttendanceDay.*").matches(change)
    assert Watch.parse("hr.AttendanceDay.e-1_*").matches(change)
    assert not Watch.parse("hr.AttendanceDay.e-2_*").matches(change)
    assert not Watch.parse("hr.LeaveRequest.*").matches(change)
    assert not Watch.parse("orders.AttendanceDay.*").matches(change)


def test_a_malformed_watch_is_refused_naming_the_form() -> None:
    with pytest.raises(ValueError, match=r"service\.Aggregate\.id"):
        Watch.parse("hr.AttendanceDay")


def test_an_invalid_reply_carries_its_field_paths_and_a_refusal_its_rule() -> None:
    invalid = ShopReply.of(
        Reply.failure(
            ErrorCode.INVALID,
            "SubmitLeave is not valid: end_date",
            details=[
                {"field": "end_date", "problem": "end_date is before start_date", "type": "value_error"}
            ],
        )
    )
    assert invalid.code == "invalid"
    assert invalid.fields == {"end_date": "end_date is before start_date"}
    refused = ShopReply.of(Reply.failure(ErrorCode.RULE_VIOLATED, "one day's notice", "HR-20"))
    assert (refused.ok, refused.code, refused.rule) == (False, "rule_violated", "HR-20")
    ok = ShopReply.of(Reply(ok=True, aggregate_id="e-1_2026-12-02", version=1))
    assert ok.ok
    assert ok.aggregate_id == "e-1_2026-12-02"


def test_the_roles_of_a_roles_of_answer_idn_6() -> None:
    assert held_roles({"roles": ["office", "hr_dept", "office"]}) == ("hr_dept", "office")
    assert held_roles({"roles": [{"role": "hr_dept"}]}) == ("hr_dept",)
    assert held_roles({}) == ()
