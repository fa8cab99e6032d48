"""Payslips to print from the HR screens (issue 18 part 5; HR-33, HR-36, HR-40, HR-41): one
payslip, or a whole pay period's payslips as one PDF, drawn with `shop_print` (the CJK font
embedded, the times in the department's business time zone, Asia/Shanghai by default, and the
signature lines of HR and the employee). Each line prints with its rule and its sources as the HR
service recorded them: an HR event id, `kpi:<event id>` for the KPI service's figure (KPI-2..KPI-5,
HR-41), `command:<id>` for an input typed with CalculatePayroll (HR-40, HR-41).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from shop_print.pdf import Printable, render, render_all

LINE_KINDS: dict[str, str] = {
    "base_salary": "基本工資 base salary",
    "not_employed": "未在職天數 days not employed",
    "unpaid_leave": "無薪假 unpaid leave",
    "absence": "缺勤 absence",
    "fine": "罰款 fine",
    "fine_refund": "罰款退還 fine refunded",
    "performance_pay": "績效工資 performance pay",
    "commission": "提成 commission",
    "bonus": "獎金 bonus",
    "deferred_salary": "遞延工資 deferred salary",
    "adjustment": "調整 adjustment",
}
"""The payslip lines' kinds (PayLineKind) as printed: Chinese first, English after."""


def explain_source(source: str) -> str:
    """Where a payslip line comes from, as the HR service recorded it (HR-36, HR-41)."""
    if source.startswith("kpi:"):
        return f"KPI service event {source[4:]} (KPI-2..KPI-5)"
    if source.startswith("command:"):
        return f"typed with CalculatePayroll {source[8:]} (HR-40, HR-41)"
    return f"HR event {source}"


def money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def local(when: dt.datetime, tz: str) -> str:
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def payslip_printable(
    payslip: Mapping[str, Any],
    employee: Mapping[str, Any] | None,
    *,
    printed_at: dt.datetime,
    tz: str,
    printed_by: str,
) -> Printable:
    """One payslip as the paper form: fields, one row per line with rule and sources, the net and
    payable totals, HR's and the employee's signature lines (HR-36)."""
    personal = (employee or {}).get("personal") or {}
    name = str(personal.get("name") or "")
    status = "已結算 closed" if payslip.get("period_closed") else "未結算 open"
    fields = [
        ("期間 Period", str(payslip.get("period", ""))),
        ("員工 Employee", str(payslip.get("employee_id", ""))),
        ("姓名 Name", name or "—"),
        ("職級 Grade", str(payslip.get("grade", ""))),
        ("應出勤天數 Scheduled days", str(payslip.get("scheduled_days", ""))),
        ("計薪天數 Paid days", str(payslip.get("paid_days", ""))),
        ("發薪日 Pay date", str(payslip.get("pay_date", ""))),
        ("計算 Run", f"{payslip.get('run', '')} · {status}"),
        ("列印 Printed", f"{local(printed_at, tz)} ({tz}) · {printed_by}"),
    ]
    rows = [
        (
            LINE_KINDS.get(str(line.get("kind")), str(line.get("kind"))),
            str(line.get("description", "")),
            str(line.get("rule", "")),
            "; ".join(explain_source(s) for s in line.get("sources") or ()) or "—",
            money(line.get("amount", "")),
        )
        for line in payslip.get("lines") or ()
    ]
    totals = [
        ("實發 Net", money(payslip.get("net", ""))),
        ("應付 Payable", money(payslip.get("payable", ""))),
    ]
    if payslip.get("deferred"):
        totals.append(("遞延 Deferred", "HR-35"))
    if payslip.get("withheld_by"):
        totals.append(("暫扣 Withheld", str(payslip["withheld_by"])))
    return Printable(
        title="工資單 Payslip",
        number=f"{payslip.get('period', '')}-{payslip.get('employee_id', '')}",
        fields=fields,
        headers=("項目 Item", "說明 Description", "規則 Rule", "來源 Source", "金額 Amount"),
        rows=rows,
        widths=(1.3, 2.6, 0.8, 2.4, 1.1),
        totals=totals,
        signatures=(("人事部 HR", printed_by), ("員工 Employee", name)),
        footer=f"HR-33, HR-36 · {payslip.get('event_id', '')}",
        filename=f"payslip-{payslip.get('period', '')}-{payslip.get('employee_id', '')}.pdf",
    )


def payslip_pdf(
    payslip: Mapping[str, Any],
    employee: Mapping[str, Any] | None,
    *,
    printed_at: dt.datetime,
    tz: str,
    printed_by: str,
) -> bytes:
    return render(payslip_printable(payslip, employee, printed_at=printed_at, tz=tz, printed_by=printed_by))


def month_pdf(
    period: str,
    slips: Sequence[tuple[Mapping[str, Any], Mapping[str, Any] | None]],
    *,
    printed_at: dt.datetime,
    tz: str,
    printed_by: str,
) -> bytes:
    """Every payslip of the period, one after another in one PDF (each from a new page)."""
    if not slips:
        raise ValueError(f"period {period}: no payslip to print (calculate the period first, HR-36)")
    return render_all(
        [
            payslip_printable(slip, employee, printed_at=printed_at, tz=tz, printed_by=printed_by)
            for slip, employee in slips
        ],
        title=f"工資單 Payslips {period}",
    )
