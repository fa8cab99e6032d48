"""The order back office's and the order clerk's screens, pure parts (issue 18 parts 3 and 5): the
correction form from the contract's CorrectOrderDetails with its refusals at their field paths
(ORD-6, ORD-5), the packet's document numbers taken from the shipping day (FUL-3), and the batch
PDF's documents in the packet's order, merged into one PDF whose pages read as printed (FUL-1,
FUL-3: page count = 1 + 3 x shipments, CJK text extracts)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter

from backoffice.shop import ShopReply
from backoffice.web.core import Person
from backoffice.web.screens import clerk, orders
from shop_contracts.commands.orders import CorrectOrderDetails
from shop_contracts.queries.fulfilment import DocumentKind
from shop_print.pdf import Printable, render

AFTERSALES = Person("e-5101", ("aftersales_cs",), "csrf", "hash")
DAY = dt.date(2026, 12, 2)


def shipment(n: int, documented: bool = True) -> dict[str, Any]:
    docs = (
        {
            "report_no": "DR00000001",
            "waybill_no": f"WB{n:08d}",
            "outbound_note_no": f"CK{n:08d}",
            "invoice_no": f"FP{n:08d}",
        }
        if documented
        else {"report_no": None, "waybill_no": None, "outbound_note_no": None, "invoice_no": None}
    )
    return {"shipment_id": f"s-{n}", "order_id": f"o-{n}", "status": "InPacket", "documents": docs}


def test_ord6_a_correction_with_a_reason_becomes_the_contracts_command_with_its_line_change() -> None:
    command = orders.parse_correction(
        {
            "reason": "客戶來電更正地址",
            "changes.address": "上海市徐匯區1號",
            "changes.phone": "",
            "changes.lines.0.line": "1",
            "changes.lines.0.size": "L",
        },
        "o-1",
        AFTERSALES,
        "cmd-1",
    )
    assert isinstance(command, CorrectOrderDetails)
    assert command.order_id == "o-1"
    assert command.actor == AFTERSALES.actor
    assert command.changes.address == "上海市徐匯區1號"
    assert command.changes.phone is None
    assert command.changes.lines[0].line == 1
    assert command.changes.lines[0].size == "L"


def test_ord6_a_correction_without_reason_or_change_is_refused_at_the_field_paths() -> None:
    refused = orders.parse_correction({"reason": "", "changes.phone": ""}, "o-1", AFTERSALES, "cmd-1")
    assert isinstance(refused, ShopReply)
    assert refused.code == "invalid"
    assert "reason" in refused.fields
    assert "changes.recipient" in refused.fields
    assert "changes.address" in refused.fields
    short = orders.parse_correction({"reason": "r", "changes.phone": "12"}, "o-1", AFTERSALES, "cmd-1")
    assert isinstance(short, ShopReply)
    assert set(short.fields) == {"changes.phone"}
    line = orders.parse_correction({"reason": "r", "changes.lines.0.line": "2"}, "o-1", AFTERSALES, "cmd-1")
    assert isinstance(line, ShopReply)
    assert {"changes.lines.0.sku", "changes.lines.0.size"} <= set(line.fields)


def test_ord5_the_correction_form_offers_only_the_correctable_fields_and_shows_errors_beside_them() -> None:
    reply = ShopReply(False, code="invalid", fields={"changes.phone": "too short"})
    form = orders.correction_form("o-1", {"changes.phone": "12"}, reply)
    names = [i.name for i in form.inputs]
    assert names[0] == "reason"
    assert {"changes.recipient", "changes.phone", "changes.address", "changes.lines.0.sku"} <= set(names)
    assert not any(n.endswith(("quantity", "unit_price", "sales_owner", "buyer_id")) for n in names)
    phone = next(i for i in form.inputs if i.name == "changes.phone")
    assert phone.error == "too short"
    assert phone.value == "12"


def test_ful3_the_packets_numbers_are_the_days_own_for_every_documented_shipment() -> None:
    day = {"report_no": "DR00000001", "shipments": [shipment(1), shipment(2), shipment(3, documented=False)]}
    assert clerk.packet_numbers(day) == {
        "report_no": "DR00000001",
        "waybill_nos": ["WB00000001", "WB00000002"],
        "outbound_note_nos": ["CK00000001", "CK00000002"],
        "invoice_nos": ["FP00000001", "FP00000002"],
    }


def test_ful3_the_batch_is_the_report_then_three_documents_per_shipment_in_the_packets_order() -> None:
    day = {"shipments": [shipment(1), shipment(2), shipment(3, documented=False)]}
    wanted = clerk.batch_documents(DAY, day)
    assert len(wanted) == 1 + 3 * 2
    assert wanted[0].kind is DocumentKind.REPORT
    assert wanted[0].batch_date == DAY
    assert [(q.kind, q.shipment_id) for q in wanted[1:4]] == [
        (DocumentKind.WAYBILL, "s-1"),
        (DocumentKind.OUTBOUND_NOTE, "s-1"),
        (DocumentKind.INVOICE, "s-1"),
    ]


def test_ful1_merged_documents_are_one_pdf_page_by_page_and_their_chinese_text_extracts() -> None:
    writer = PdfWriter()
    for title in ("每日發貨報表", "快遞單", "出庫單", "發票"):
        clerk.append_pages(writer, render(Printable(title=title, number="N-1", fields=(("訂單", "o-1"),))))
    out = io.BytesIO()
    writer.write(out)
    merged = out.getvalue()
    assert len(PdfReader(io.BytesIO(merged)).pages) == 4
    doc = pdfium.PdfDocument(merged)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    for index, title in enumerate(("每日發貨報表", "快遞單", "出庫單", "發票")):
        assert title in texts[index]


def test_ful1_the_chunks_stream_the_whole_file_and_close_it() -> None:
    import tempfile

    spooled = tempfile.SpooledTemporaryFile(max_size=10)  # noqa: SIM115 (closed by _chunks)
    spooled.write(b"x" * (clerk.CHUNK + 5))
    assert b"".join(clerk._chunks(spooled)) == b"x" * (clerk.CHUNK + 5)
    assert spooled.closed
