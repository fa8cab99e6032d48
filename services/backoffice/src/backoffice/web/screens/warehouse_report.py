"""The monthly inventory report (月度库存报表, FUL-14) as a printed form, drawn with shop_print:
each item's opening stock, inbound, outbound and closing stock of the month (FUL-13 月结), the
items whose card does not reconcile, the days whose ledger was not closed (日清), when and by
whom it was compiled in the business time zone, and the signature lines of the keeper and of
the two it is reported to (the operations director and the store manager, FUL-14).

Pure: `inventory_printable(report, tz)` turns MonthlyInventoryReport's answer into a `Printable`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from shop_print.pdf import Printable, render

SIGNATURES = (("仓库保管员", ""), ("运营总监", ""), ("店长", ""))
"""FUL-14: the keeper compiles it, the operations director and the store manager receive it."""


def _local(value: Any, tz: str) -> str:
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(when, dt.datetime):
        return str(value)
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def inventory_printable(report: Mapping[str, Any], tz: str = "Asia/Shanghai") -> Printable:
    """The report's printable form (FUL-14); live figures print as 未编制 (not yet compiled)."""
    month = str(report["month"])
    lines = list(report.get("lines", []))
    compiled = bool(report.get("compiled"))
    unreconciled = set(report.get("unreconciled", []))
    rows = [
        (
            str(line["sku"]),
            str(line["opening"]),
            str(line["inbound"]),
            str(line["outbound"]),
            str(line["closing"]),
            "不符" if line["sku"] in unreconciled or not line.get("reconciled", True) else "相符",
        )
        for line in lines
    ]
    fields = [
        ("月份", month),
        ("状态", "已编制" if compiled else "未编制（即时数字）"),
        ("编制人", str(report.get("compiled_by") or "")),
        ("编制时间", _local(report.get("compiled_at"), tz)),
        ("截至", _local(report.get("as_of"), tz)),
        ("报送", "、".join(report.get("reported_to", []) or ())),
        ("未日清的日子", "、".join(report.get("unclosed_days", []) or ()) or "无"),
    ]
    totals = [
        ("入库合计", str(sum(int(line["inbound"]) for line in lines))),
        ("出库合计", str(sum(int(line["outbound"]) for line in lines))),
        ("结存合计", str(sum(int(line["closing"]) for line in lines))),
        ("账物不符", "、".join(sorted(unreconciled)) or "无"),
    ]
    return Printable(
        title="月度库存报表（入、出、存）",
        number=month,
        fields=fields,
        headers=("SKU", "期初", "入库", "出库", "结存", "账卡"),
        rows=rows,
        widths=(3, 1, 1, 1, 1, 1),
        totals=totals,
        signatures=SIGNATURES,
        footer="FUL-13 日清月结，FUL-14 每月月底之前汇总报运营总监及店长",
        filename=f"inventory-{month}.pdf",
    )


def inventory_pdf(report: Mapping[str, Any], tz: str = "Asia/Shanghai") -> bytes:
    return render(inventory_printable(report, tz))
