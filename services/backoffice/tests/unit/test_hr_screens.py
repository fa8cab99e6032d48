"""HR's screens, pure parts (issue 18 part 3 "HR", part 5 payslips): the payslip as PDF and a
month's payslips as one PDF (HR-36: embedded CJK font, local times in Asia/Shanghai, the signature
lines of HR and the employee, each line's rule and source as the service recorded it, KPI-2 and
HR-41 for the KPI service's figure); the onboarding form's nested personal data (HR-38); the rota
editor's text (HR-1..HR-4) and the payroll inputs (HR-40, HR-41) with their field paths."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from backoffice.shop import ShopReply
from backoffice.web.forms import form_for, parse_form
from backoffice.web.screens import hr
from backoffice.web.screens.hr_print import explain_source, month_pdf, payslip_pdf
from shop_contracts.commands.hr_people import CalculatePayroll, OnboardEmployee
from shop_contracts.commands.hr_time import PublishRota, PublishWeekendCsRota
from shop_contracts.envelope import Actor
from shop_print.proof import inked, page_texts

HR_PERSON = Actor(id="e-7001", roles=("hr_dept",))
PRINTED = dt.datetime(2026, 12, 2, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
SLIP: dict[str, Any] = {
    "period": "2026-11",
    "run": 1,
    "employee_id": "e-7002",
    "grade": "team_member",
    "scheduled_days": 30,
    "paid_days": "30",
    "lines": [
        {
            "kind": "base_salary",
            "amount": "4000.00",
            "description": "base salary",
            "rule": "HR-39",
            "sources": ["ev-1"],
        },
        {
            "kind": "performance_pay",
            "amount": "800.00",
            "description": "performance pay from KPI PerformancePayCalculated kp-9 (completion 0.8)",
            "rule": "KPI-2",
            "sources": ["kpi:kp-9"],
        },
        {"kind": "fine", "amount": "-50.00", "description": "late", "rule": "HR-15", "sources": ["f-3"]},
    ],
    "net": "4750.00",
    "payable": "4750.00",
    "deferred": False,
    "pay_date": "2026-12-20",
    "event_id": "ev-slip-1",
    "period_closed": False,
}
EMPLOYEE = {"employee_id": "e-7002", "personal": {"name": "李小红"}}


def one() -> bytes:
    return payslip_pdf(SLIP, EMPLOYEE, printed_at=PRINTED, tz="Asia/Shanghai", printed_by="e-7001")


def test_hr_36_the_payslip_pdf_embeds_its_font_and_reads_as_typed() -> None:
    content = one()
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        assert "/ToUnicode" in font
    typed = "\n".join(page_texts(content))
    for needle in ("工資單 Payslip", "2026-11", "e-7002", "李小红", "4,750.00", "-50.00", "2026-12-20"):
        assert needle in typed, needle
    for needle in ("工資單", "李小红", "績效工資"):
        assert inked(content, needle, 0) > 0.08, f"{needle!r} is not drawn"


def test_hr_36_the_payslip_prints_in_shanghai_time_not_utc() -> None:
    typed = "\n".join(page_texts(one()))
    assert "2026-12-02 09:30 (Asia/Shanghai)" in typed
    assert "01:30" not in typed


def test_hr_36_the_payslip_has_hr_and_employee_signature_lines() -> None:
    typed = "\n".join(page_texts(one()))
    assert "人事部 HR:" in typed
    assert "員工 Employee:" in typed
    assert typed.count("簽名 Signature") == 2


def test_kpi_2_hr_41_each_line_prints_its_rule_and_source_as_the_service_explains_it() -> None:
    typed = "\n".join(page_texts(one()))
    assert "KPI-2" in typed
    assert "KPI service event kp-9" in typed
    assert "HR event ev-1" in typed
    assert explain_source("command:c-1") == "typed with CalculatePayroll c-1 (HR-40, HR-41)"


def test_hr_36_a_months_payslips_print_as_one_pdf_each_from_its_own_page() -> None:
    other = SLIP | {"employee_id": "e-7003", "net": "3100.00", "payable": "3100.00"}
    content = month_pdf(
        "2026-11",
        [(SLIP, EMPLOYEE), (other, None)],
        printed_at=PRINTED,
        tz="Asia/Shanghai",
        printed_by="e-7001",
    )
    pages = page_texts(content)
    assert len(pages) == 2
    assert "e-7002" in pages[0]
    assert "4,750.00" in pages[0]
    assert "e-7003" in pages[1]
    assert "3,100.00" in pages[1]
    assert "e-7002" not in pages[1]
    assert inked(content, "工資單", 1) > 0.08


def test_hr_36_a_month_without_payslips_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValueError, match="HR-36"):
        month_pdf("2026-11", [], printed_at=PRINTED, tz="Asia/Shanghai", printed_by="e-7001")


def test_hr_38_the_onboarding_form_shows_the_personal_data_as_nested_fields() -> None:
    names = [i.name for i in form_for(OnboardEmployee, "/hr/employees").inputs]
    assert "personal.name" in names
    assert "personal.bank_account" in names
    assert "personal" not in names


def test_hr_38_an_onboarding_without_a_name_names_personal_name() -> None:
    posted = {
        "employee_id": "e-7002",
        "join_date": "2026-11-02",
        "post": "customer service",
        "grade": "team_member",
        "id_copy_received": "on",
        "employee_file_completed": "on",
        "personal.id_number": "310101199001010000",
        "personal.phone": "13900000000",
        "personal.address": "上海",
        "personal.bank_account": "6222",
    }
    refused = parse_form(OnboardEmployee, posted, HR_PERSON, "c-1")
    assert isinstance(refused, ShopReply)
    assert "personal.name" in refused.fields
    accepted = parse_form(OnboardEmployee, posted | {"personal.name": "李小红"}, HR_PERSON, "c-1")
    assert isinstance(accepted, OnboardEmployee)
    assert accepted.personal.name == "李小红"


def test_hr_1_the_rota_editors_lines_become_duty_pairs_and_a_bad_day_is_named_by_its_path() -> None:
    posted = {
        "rota_id": "r-dec",
        "period_start": "2026-12-07",
        "period_end": "2026-12-08",
        "employees": "e-1, e-2 e-3",
        "days": "2026-12-07 e-1 e-2 e-3\n\n2026-12-08 e-3\n",
    }
    document = hr._parse_rota(posted) | {"actor": HR_PERSON, "command_id": "c-2"}
    assert document["employees"] == ["e-1", "e-2", "e-3"]
    assert document["days"][0] == {
        "work_date": "2026-12-07",
        "main": "e-1",
        "assistant": "e-2",
        "rest": ["e-3"],
    }
    refused = hr._validated(PublishRota, document)
    assert isinstance(refused, ShopReply)
    assert "days.1.assistant" in refused.fields


def test_hr_40_hr_41_payroll_rows_without_a_figure_are_left_out_and_a_bad_one_is_named() -> None:
    posted = {
        "row-0.employee_id": "e-7001",
        "row-0.completion": "0.9",
        "row-1.employee_id": "e-7002",
        "row-2.employee_id": "e-7003",
        "row-2.commission": "100",
        "row-2.correction_reason": "KPI counted a refunded order",
        "row-3.employee_id": "",
        "row-3.completion": "0.5",
    }
    inputs = hr._pay_inputs(posted)
    assert [i["employee_id"] for i in inputs] == ["e-7001", "e-7003"]
    document = {"actor": HR_PERSON, "command_id": "c-3", "period": "2026-11", "inputs": inputs}
    assert isinstance(hr._validated(CalculatePayroll, document), CalculatePayroll)
    too_high = document | {"inputs": [{"employee_id": "e-7001", "completion": "11"}]}
    refused = hr._validated(CalculatePayroll, too_high)
    assert isinstance(refused, ShopReply)
    assert "inputs.0.completion" in refused.fields


def test_actions_follow_the_hr_services_default_role_table() -> None:
    cashier = hr.Person("e-9", ("cashier",), "csrf", "h")
    assert hr.may(cashier, "PaySalaries")
    assert not hr.may(cashier, "CalculatePayroll")
    supervisor = hr.Person("e-8", ("ecom_supervisor",), "csrf", "h")
    assert hr.may(supervisor, "PublishRota")
    assert not hr.may(supervisor, "OnboardEmployee")


def test_duty_2_an_empty_list_field_starts_empty_not_as_a_python_tuple() -> None:
    inputs = {i.name: i.value for i in form_for(PublishWeekendCsRota, "/hr/duty/weekend").inputs}
    assert inputs["saturday_staff"] == ""
    assert inputs["sunday_staff"] == ""
