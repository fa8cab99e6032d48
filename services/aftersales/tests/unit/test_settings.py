"""After-sales' business numbers are declared once, on the shared kernel's AftersalesNumbers (AS-1,
AS-11, AS-14, AS-15, AS-17, AS-19); the settings read them under the same AFTERSALES_ names as
before, in the units operators set, and refuse a value out of bounds naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.bootstrap import AftersalesSettings


def test_each_number_keeps_its_environment_variable_as_1_as_11_as_14_as_15_as_17(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AFTERSALES_REFUND_REASONS", '["quality", "wrong_item"]')
    monkeypatch.setenv("AFTERSALES_QUALITY_REASONS", '["quality", "wrong_item"]')
    monkeypatch.setenv("AFTERSALES_COMPLAINT_RESPONSE_HOURS", "4")
    monkeypatch.setenv("AFTERSALES_CONSULTATION_DEPARTMENTS", '["presales"]')
    monkeypatch.setenv("AFTERSALES_SATISFACTION_TARGET", "4")
    policy = AftersalesSettings().policy()
    assert policy.refund_reasons == frozenset({"quality", "wrong_item"})
    assert policy.quality_reasons == frozenset({"quality", "wrong_item"})
    assert policy.complaint_response_within == timedelta(hours=4)
    assert policy.departments == frozenset({"presales"})
    assert policy.satisfaction_target == 4
    assert policy.escalation_role == "cs_supervisor"  # AS-19: the first resolver by default


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("AFTERSALES_COMPLAINT_RESPONSE_HOURS", "0", "complaint_response_hours"),
        ("AFTERSALES_SATISFACTION_TARGET", "6", "satisfaction_target"),
        ("AFTERSALES_REFUND_REASONS", "[]", "refund_reasons"),
    ],
)
def test_a_number_out_of_bounds_is_refused_naming_the_field_as_14_as_15_as_1(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=field):
        AftersalesSettings()
