"""Forms from the contracts' command models (issue 18 part 3): inputs from the fields, never the
back office's own (`actor`, `command_id`); posted strings converted by type; an invalid form's
field paths beside the fields, as the service's `invalid` reply (HR-18..HR-27's SubmitLeave)."""

from __future__ import annotations

import datetime as dt

from backoffice.shop import ShopReply
from backoffice.web.forms import form_for, parse_form
from shop_contracts.commands.hr import RecordClockIn, SubmitLeave
from shop_contracts.envelope import Actor

ME = Actor(id="e-1", roles=())
FIXED = {"employee_id": "e-1", "leave_id": "leave-1"}


def test_the_form_shows_the_users_fields_and_never_the_back_offices() -> None:
    form = form_for(SubmitLeave, "/me/leave", fixed=FIXED)
    names = [i.name for i in form.inputs]
    assert names == ["leave_type", "start_date", "end_date", "reason", "emergency", "certificate_ref"]
    kinds = {i.name: i.kind for i in form.inputs}
    assert kinds["leave_type"] == "select"
    assert kinds["start_date"] == "date"
    assert kinds["emergency"] == "checkbox"
    assert kinds["reason"] == "textarea"
    assert "sick" in next(i for i in form.inputs if i.name == "leave_type").options
    required = {i.name for i in form.inputs if i.required}
    assert required == {"leave_type", "start_date", "end_date", "reason"}


def test_a_field_excluded_from_the_wire_is_not_an_input_hr_10() -> None:
    """RecordClockIn's `at` is the service's stamp, never the user's (HR-10)."""
    assert [i.name for i in form_for(RecordClockIn, "/x", fixed={"employee_id": "e-1"}).inputs] == ["source"]


def test_a_posted_form_becomes_the_command_with_the_fixed_fields_and_the_actor() -> None:
    posted = {
        "leave_type": "personal",
        "start_date": "2026-12-10",
        "end_date": "2026-12-11",
        "reason": "family",
    }
    posted |= {"employee_id": "someone-else"}  # a forged hidden field is ignored
    command = parse_form(SubmitLeave, posted, ME, "c-1", FIXED)
    assert isinstance(command, SubmitLeave)
    assert command.employee_id == "e-1"
    assert command.actor == ME
    assert command.start_date == dt.date(2026, 12, 10)
    assert command.emergency is False


def test_bad_fields_are_named_beside_their_inputs() -> None:
    posted = {"leave_type": "holiday", "start_date": "2026-12-10", "end_date": "2026-12-01", "reason": ""}
    refused = parse_form(SubmitLeave, posted, ME, "c-1", FIXED)
    assert isinstance(refused, ShopReply)
    assert refused.code == "invalid"
    assert set(refused.fields) >= {"leave_type", "reason"}
    form = form_for(SubmitLeave, "/me/leave", values=posted, reply=refused, fixed=FIXED)
    errors = {i.name: i.error for i in form.inputs if i.error}
    assert "leave_type" in errors
    assert next(i for i in form.inputs if i.name == "leave_type").value == "holiday"


def test_a_cross_field_check_names_its_field() -> None:
    posted = {"leave_type": "personal", "start_date": "2026-12-10", "end_date": "2026-12-01", "reason": "x"}
    refused = parse_form(SubmitLeave, posted, ME, "c-1", FIXED)
    assert isinstance(refused, ShopReply)
    assert "end_date" in refused.fields
    assert "before" in refused.fields["end_date"]


def test_a_services_invalid_and_rule_violated_replies_are_shown() -> None:
    reply = ShopReply(
        False,
        code="rule_violated",
        message="personal leave needs one day's notice",
        rule="HR-20",
        fields={"start_date": "too soon", "(body)": "see the rule"},
    )
    form = form_for(SubmitLeave, "/me/leave", reply=reply, fixed=FIXED)
    assert next(i for i in form.inputs if i.name == "start_date").error == "too soon"
    assert form.general_errors == {"(body)": "see the rule"}
