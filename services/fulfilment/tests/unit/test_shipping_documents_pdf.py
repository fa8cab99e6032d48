"""Printable documents (FUL-1, FUL-3, FUL-6): the daily report, waybill, outbound note and invoice
render as PDF with extractable Chinese text; the outbound note carries 發貨專用章 only once stamped."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from pypdf import PdfReader

from fulfilment.adapters import documents, pdf
from shop_contracts.queries.fulfilment import DocumentKind

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def shipment(status: str, **overrides: Any) -> SimpleNamespace:
    row: dict[str, Any] = {
        "shipment_id": "o-1",
        "order_id": "o-1",
        "status": status,
        "batch_date": date(2026, 3, 2),
        "report_no": "DR00000001",
        "waybill_no": "WB00000001",
        "outbound_note_no": "CK00000001",
        "invoice_no": "FP00000001",
        "keeper": "keeper-1",
        "carrier": None,
        "stamped_at": AT if status == "Stamped" else None,
        "details": {
            "lines": [{"sku": "TV-55", "quantity": 1, "size": "55in"}, {"sku": "CABLE", "quantity": 2}],
            "shipping": {"recipient": "王小明", "phone": "13800000000", "address": "上海市浦東新區"},
            "logistics_method": "順豐速運",
            "requirements": "易碎品 輕放",
            "amount": "3020.00",
        },
    }
    return SimpleNamespace(**(row | overrides))


def text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_ful6_outbound_note_shows_the_shipping_only_stamp_once_stamped() -> None:
    stamped = text(pdf.render(documents.shipment_document(DocumentKind.OUTBOUND_NOTE, shipment("Stamped"))))
    assert "出庫單" in stamped
    assert "CK00000001" in stamped
    assert "WB00000001" in stamped
    assert "TV-55" in stamped
    assert "CABLE" in stamped
    assert "發貨專用章" in stamped


def test_ful6_outbound_note_has_no_stamp_before_the_keeper_stamps_it() -> None:
    dispatched = text(
        pdf.render(documents.shipment_document(DocumentKind.OUTBOUND_NOTE, shipment("Dispatched")))
    )
    assert "出庫單" in dispatched
    assert "發貨專用章" not in dispatched


def test_ful1_waybill_and_invoice_render_chinese_address_and_lines() -> None:
    waybill = text(pdf.render(documents.shipment_document(DocumentKind.WAYBILL, shipment("InPacket"))))
    assert "物流單" in waybill
    assert "WB00000001" in waybill
    assert "王小明" in waybill
    assert "上海市浦東新區" in waybill
    assert "順豐速運" in waybill
    invoice = text(pdf.render(documents.shipment_document(DocumentKind.INVOICE, shipment("InPacket"))))
    assert "發票" in invoice
    assert "FP00000001" in invoice
    assert "3020.00" in invoice


def test_ful1_daily_report_lists_every_order_with_its_documents() -> None:
    day = SimpleNamespace(
        batch_date=date(2026, 3, 2),
        report_no="DR00000001",
        status="ReportGenerated",
        generated_at=AT,
        details={"generated_by": "clerk-1", "handed_over_to": None},
    )
    rows = [shipment("InPacket"), shipment("InPacket", order_id="o-2", waybill_no="WB00000002")]
    report = text(pdf.render(documents.daily_report(day, rows)))
    assert "發貨日報表" in report
    assert "DR00000001" in report
    assert "o-2" in report
    assert "WB00000002" in report
    assert "clerk-1" in report


def test_a_long_report_runs_over_several_pages() -> None:
    day = SimpleNamespace(
        batch_date=date(2026, 3, 2), report_no="DR1", status="ReportGenerated", generated_at=AT, details={}
    )
    rows = [shipment("InPacket", order_id=f"o-{i}") for i in range(120)]
    reader = PdfReader(io.BytesIO(pdf.render(documents.daily_report(day, rows))))
    assert len(reader.pages) > 1
    assert "o-119" in reader.pages[-1].extract_text()
