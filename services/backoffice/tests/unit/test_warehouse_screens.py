"""The warehouse keeper's screens, pure parts (issue 18 parts 3 and 5): the monthly inventory report
as PDF (FUL-14: embedded CJK font, local times in Asia/Shanghai, the signature lines of the keeper,
the operations director and the store manager; text extracted with PDFium and pypdf, the glyphs
inked), the receipt's comparison with the delivery note (FUL-12), the stocktake's rows and the
field paths of their refusals (FUL-15), and the shipment actions offered per state (SM-SHIP,
FUL-4..FUL-6)."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader

from backoffice.shop import ShopReply
from backoffice.web.screens import warehouse
from backoffice.web.screens.warehouse_report import inventory_pdf, inventory_printable
from shop_contracts.commands.stock import ReceiveInbound, RecordStocktake
from shop_contracts.envelope import Actor

SCALE = 2.0
KEEPER = Actor(id="e-4101", roles=("warehouse_keeper",))
REPORT: dict[str, Any] = {
    "compiled": True,
    "month": "2026-11",
    "lines": [
        {"sku": "SKU-TEA", "opening": 10, "inbound": 40, "outbound": 12, "closing": 38, "reconciled": True},
        {"sku": "SKU-MUG", "opening": 5, "inbound": 0, "outbound": 1, "closing": 3, "reconciled": False},
    ],
    "unreconciled": ["SKU-MUG"],
    "unclosed_days": ["2026-11-30"],
    "as_of": "2026-11-30T15:59:00+00:00",
    "compiled_by": "e-4101",
    "compiled_at": "2026-11-30T09:30:00+00:00",  # 17:30 in Shanghai
    "reported_to": ["ops_director", "store_manager"],
}


def text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(content)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def inked(content: bytes, needle: str) -> float:
    """The share of dark pixels in the boxes of `needle`'s characters on the first page."""
    page = pdfium.PdfDocument(content)[0]
    textpage = page.get_textpage()
    found = textpage.search(needle).get_next()
    if found is None:
        return 0.0
    start, count = found
    image = page.render(scale=SCALE).to_pil().convert("L")
    height = page.get_height()
    dark = total = 0
    for index in range(start, start + count):
        left, bottom, right, top = textpage.get_charbox(index)
        box = (
            int(left * SCALE),
            int((height - top) * SCALE),
            int(right * SCALE),
            int((height - bottom) * SCALE),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        histogram = image.crop(box).histogram()
        dark += sum(histogram[:160])
        total += sum(histogram)
    return dark / total if total else 0.0


def test_ful14_the_inventory_report_pdf_embeds_its_font_and_reads_as_typed() -> None:
    content = inventory_pdf(REPORT)
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        assert "/ToUnicode" in font
    typed = text(content)
    for needle in ("月度庫存報表", "2026-11", "SKU-TEA", "38", "運營總監", "店長", "倉庫保管員"):
        assert needle in typed, needle
    for needle in ("月度庫存報表", "SKU-TEA", "運營總監"):
        assert inked(content, needle) > 0.08, f"{needle!r} is not drawn"


def test_ful14_times_print_in_shanghai_and_unreconciled_items_and_unclosed_days_are_named() -> None:
    printable = inventory_printable(REPORT, "Asia/Shanghai")
    fields = dict(printable.fields)
    assert fields["編制時間"] == "2026-11-30 17:30"
    assert fields["未日清的日子"] == "2026-11-30"
    assert dict(printable.totals)["賬物不符"] == "SKU-MUG"
    assert dict(printable.totals)["入庫合計"] == "40"
    rows = {row[0]: row for row in printable.rows}
    assert rows["SKU-MUG"][-1] == "不符"
    assert rows["SKU-TEA"][-1] == "相符"
    assert [label for label, _ in printable.signatures] == ["倉庫保管員", "運營總監", "店長"]


def test_ful14_live_figures_print_as_not_compiled() -> None:
    printable = inventory_printable({"month": "2026-12", "compiled": False, "lines": []})
    assert dict(printable.fields)["狀態"].startswith("未編制")
    assert "未編制" in text(inventory_pdf({"month": "2026-12", "compiled": False, "lines": []}))


def test_ful12_a_short_line_is_a_quantity_mismatch_beside_the_note() -> None:
    posted = {
        "note_quantity": ["10"],
        "received_quantity": ["8"],
        "note_name": ["龍井"],
        "received_name": ["龍井"],
    }
    assert warehouse._mismatches(posted) == [{"field": "quantity", "on_note": "10", "found": "8"}]


def test_ful22_a_receipt_without_its_label_is_refused_at_the_labels_field_paths() -> None:
    posted = {
        "sku": ["SKU-TEA"],
        "lot_no": ["L-1"],
        "supplier": ["上海茶葉"],
        "delivery_note_no": ["DN-1"],
        "note_name": ["龍井"],
        "note_quantity": ["10"],
        "received_name": ["龍井"],
        "received_quantity": ["10"],
        "inspection": ["passed"],
        "label.name": ["龍井"],
    }
    document = {"command_id": "c-1", "actor": KEEPER, **warehouse._receipt_document(posted)}
    refused = warehouse._validate(ReceiveInbound, document)
    assert isinstance(refused, ShopReply)
    assert refused.code == "invalid"
    assert {"label.specification", "label.model", "label.production_date"} <= set(refused.fields)


def test_ful15_only_counted_rows_are_sent_and_a_refusal_points_at_the_forms_row() -> None:
    posted = {
        "sku.0": ["SKU-TEA"],
        "lot_no.0": ["L-1"],
        "counted.0": [""],
        "sku.1": ["SKU-MUG"],
        "lot_no.1": ["L-2"],
        "counted.1": ["-1"],
    }
    lines, rows = warehouse._stocktake_lines(posted)
    assert rows == [1]
    assert lines == [{"sku": "SKU-MUG", "lot_no": "L-2", "counted": "-1"}]
    document = {
        "command_id": "c-1",
        "actor": KEEPER,
        "stocktake_id": "st-1",
        "finance_witness": "f",
        "lines": lines,
    }
    refused = warehouse._validate(RecordStocktake, document)
    assert isinstance(refused, ShopReply)
    assert "lines.0.counted" in refused.fields
    assert warehouse._row_errors(refused, rows) == {"counted.1": refused.fields["lines.0.counted"]}


def test_sm_ship_each_state_offers_only_its_next_steps() -> None:
    offered = {
        status: [name for name, (_, states) in warehouse.ACTIONS.items() if status in states]
        for status in warehouse.QUEUES
    }
    assert offered[warehouse.S.IN_PACKET] == ["check", "refuse"]  # FUL-4, FUL-5
    assert offered[warehouse.S.ACCESSORIES_CHECKED] == ["dispatch", "refuse"]  # FUL-5
    assert offered[warehouse.S.DISPATCHED] == ["stamp"]  # FUL-6
    assert offered[warehouse.S.REFUSED] == []  # the clerk resumes it (FUL-5)
