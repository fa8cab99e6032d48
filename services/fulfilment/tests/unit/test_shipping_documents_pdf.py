"""Printable documents (FUL-1, FUL-3, FUL-6): the daily report, waybill, outbound note and invoice.

Each page is rendered with PDFium (the engine of Chrome's viewer), so a test sees what a reader
sees: the text must come out of the page's text layer as typed, and the places where it stands
must be inked. The font must be embedded in every document (a font that is only named renders
blank or as other characters in viewers that lack it)."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from fulfilment.bootstrap import FulfilmentSettings
from fulfilment.shipping.adapters import documents
from fulfilment.shipping.adapters.documents import DocumentSetup
from fulfilment.shipping.application.reactions import order_fact
from fulfilment.shipping.domain.products import CatalogueProduct
from shop_contracts.events.orders import OrderLine, OrderPlaced, ShippingAddress
from shop_contracts.queries.fulfilment import DocumentKind
from shop_print import pdf
from shop_print.proof import inked, page_texts

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
SETUP = DocumentSetup(
    seller_name="示範網店有限公司",
    seller_tax_id="91310000MA1FL0XX0X",
    seller_address="上海市浦東新區世紀大道 1 號",
)


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
        "dispatched_at": AT if status in ("Dispatched", "Stamped") else None,
        "stamped_at": AT if status == "Stamped" else None,
        "details": {
            "lines": [
                {"sku": "TV-55", "quantity": 1, "size": "55in", "unit_price": "2999.00"},
                {"sku": "CABLE", "quantity": 2, "unit_price": "10.50"},
            ],
            "shipping": {
                "recipient": "王小明",
                "phone": "13800000000",
                "address": "上海市浦东新区世纪大道100号",
            },
            "logistics_method": "順豐速運",
            "requirements": "易碎品 輕放",
            "amount": "3020.00",
        },
    }
    return SimpleNamespace(**(row | overrides))


def day(**overrides: Any) -> SimpleNamespace:
    row: dict[str, Any] = {
        "batch_date": date(2026, 3, 2),
        "report_no": "DR00000001",
        "status": "ReportFilled",
        "generated_at": AT,
        "handed_over_at": AT,
        "details": {
            "generated_by": "clerk-1",
            "handed_over_to": "keeper-1",
            "filled": {"by": "keeper-1", "shipped": ["o-1"], "refused": [], "cancelled": []},
            "submitted": None,
        },
    }
    return SimpleNamespace(**(row | overrides))


def document(kind: DocumentKind, status: str = "Stamped", **overrides: Any) -> bytes:
    return pdf.render(documents.shipment_document(kind, shipment(status, **overrides), SETUP))


pages = page_texts


def text(content: bytes) -> str:
    return "\n".join(pages(content))


def assert_legible(content: bytes, page_no: int, *needles: str) -> None:
    for needle in needles:
        assert inked(content, needle, page_no) > 0.08, f"{needle!r} is not drawn on page {page_no + 1}"


def test_ful1_every_document_embeds_the_font_it_is_set_in() -> None:
    for kind in (DocumentKind.WAYBILL, DocumentKind.OUTBOUND_NOTE, DocumentKind.INVOICE):
        reader = PdfReader(io.BytesIO(document(kind)))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        assert fonts, kind
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{kind}: {font['/BaseFont']} is not embedded"
            assert "/ToUnicode" in font


def test_ful6_outbound_note_renders_legibly_with_the_shipping_only_stamp_once_stamped() -> None:
    stamped = document(DocumentKind.OUTBOUND_NOTE, "Stamped")
    words = text(stamped)
    for needle in ("出庫單", "CK00000001", "WB00000001", "TV-55", "CABLE", "發貨專用章"):
        assert needle in words
    assert_legible(stamped, 0, "出庫單", "CK00000001", "TV-55", "發貨專用章")


def test_ful6_outbound_note_has_no_stamp_before_the_keeper_stamps_it() -> None:
    dispatched = document(DocumentKind.OUTBOUND_NOTE, "Dispatched")
    assert "出庫單" in text(dispatched)
    assert "發貨專用章" not in text(dispatched)


def test_ful1_outbound_note_is_signed_by_the_clerk_the_keeper_and_the_handler() -> None:
    note = text(document(DocumentKind.OUTBOUND_NOTE, "Stamped"))
    for line in ("開單員 Issued by", "倉管 Keeper", "經手人 Handler", "簽名 Signature"):
        assert line in note
    assert "keeper-1" in note


def test_ful1_waybill_renders_the_chinese_address_and_its_signature_lines() -> None:
    waybill = document(DocumentKind.WAYBILL, "InPacket")
    words = text(waybill)
    for needle in (
        "物流單",
        "WB00000001",
        "王小明",
        "上海市浦东新区世纪大道100号",
        "順豐速運",
        "易碎品 輕放",
    ):
        assert needle in words
    for line in ("寄件 倉管 Keeper", "快遞員 Courier", "收件人簽收 Received by"):
        assert line in words
    assert_legible(waybill, 0, "物流單", "王小明", "上海市浦东新区")


def test_ful1_invoice_shows_seller_unit_prices_tax_and_total() -> None:
    invoice = document(DocumentKind.INVOICE, "InPacket")
    words = text(invoice)
    for needle in (
        "發票",
        "FP00000001",
        "示範網店有限公司",
        "91310000MA1FL0XX0X",
        "上海市浦東新區世紀大道",
        "王小明",
    ):
        assert needle in words
    # unit prices and line amounts; prices include 13 % VAT: 2999.00 / 1.13 -> tax 345.02
    for needle in ("¥2,999.00", "¥10.50", "¥21.00", "13%", "¥345.02", "¥2.42"):
        assert needle in words
    assert "價稅合計 Total incl. tax" in words
    assert "¥3,020.00" in words
    assert "¥347.44" in words  # the tax of the two lines
    assert "¥2,672.56" in words  # net
    for line in ("開票人 Drawn by", "復核 Checked by", "收款人 Payee"):
        assert line in words
    assert_legible(invoice, 0, "發票", "¥2,999.00", "價稅合計")


def test_ful1_invoice_of_lines_without_prices_takes_the_tax_from_the_order_amount() -> None:
    old = shipment("InPacket")
    old.details = {**old.details, "lines": [{"sku": "TV-55", "quantity": 1}]}
    words = text(pdf.render(documents.shipment_document(DocumentKind.INVOICE, old, SETUP)))
    assert "¥3,020.00" in words
    assert "¥347.43" in words  # 3020.00 - 3020.00 / 1.13


def test_ful1_invoice_says_when_the_seller_tax_number_is_not_set() -> None:
    shipment_row = shipment("InPacket")
    words = text(pdf.render(documents.shipment_document(DocumentKind.INVOICE, shipment_row)))
    assert "FULFILMENT_SELLER_TAX_ID" in words


def test_ful1_times_are_printed_in_the_business_time_zone_not_utc() -> None:
    note = text(document(DocumentKind.OUTBOUND_NOTE, "Stamped"))
    assert "2026-03-02 14:00 (Asia/Shanghai)" in note
    assert "06:00" not in note
    assert "+00:00" not in note


def test_ful1_statuses_are_printed_in_chinese() -> None:
    report = text(pdf.render(documents.daily_report(day(), [shipment("Stamped")], SETUP)))
    assert "已蓋章 Stamped" in report
    assert "已填報 ReportFilled" in report


def test_ful1_daily_report_lists_every_order_and_is_signed_by_clerk_keeper_and_manager_ful7() -> None:
    rows = [shipment("InPacket"), shipment("InPacket", order_id="o-2", waybill_no="WB00000002")]
    content = pdf.render(documents.daily_report(day(), rows, SETUP))
    report = text(content)
    for needle in ("發貨日報表", "DR00000001", "o-2", "WB00000002", "clerk-1", "2026-03-02 14:00"):
        assert needle in report
    for line in ("製表 開單員 Order clerk", "倉管 Keeper", "部門經理 Dept. manager"):
        assert line in report
    assert_legible(content, 0, "發貨日報表", "WB00000002", "部門經理")


def test_ful1_a_long_report_runs_over_several_pages_each_drawn_legibly() -> None:
    rows = [shipment("InPacket", order_id=f"o-{i}") for i in range(120)]
    content = pdf.render(documents.daily_report(day(report_no="DR1"), rows, SETUP))
    texts = pages(content)
    assert len(texts) > 1
    assert "o-119" in texts[-1]
    assert "部門經理" in texts[-1]  # the signatures close the last page
    for number, _ in enumerate(texts):
        assert_legible(content, number, "發貨日報表", "DR1")


def test_ful1_document_setup_refuses_a_tax_rate_that_is_not_a_rate() -> None:
    with pytest.raises(ValueError, match="tax_rate"):
        DocumentSetup(tax_rate=Decimal("13"))


def test_ful1_the_shipment_keeps_the_orders_unit_prices_for_the_invoice() -> None:
    placed = OrderPlaced(
        order_id="o-1",
        lines=(OrderLine(sku="TV-55", quantity=1, unit_price=Decimal("2999.00")),),
        amount=Decimal("2999.00"),
        buyer_id="b-1",
        shipping=ShippingAddress(recipient="王小明", phone="13800000000", address="上海"),
        channel="tmall",
        sales_owner="sales-1",
        placed_at=AT,
    )
    fact = order_fact(placed, AT)
    assert fact is not None
    assert fact.lines[0].unit_price == Decimal("2999.00")


def test_ful1_the_seller_and_tax_rate_settings_reach_the_invoice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FULFILMENT_SELLER_NAME", "示範網店有限公司")
    monkeypatch.setenv("FULFILMENT_SELLER_TAX_ID", "91310000MA1FL0XX0X")
    monkeypatch.setenv("FULFILMENT_INVOICE_TAX_RATE", "0.06")
    setup = FulfilmentSettings().document_setup("Asia/Shanghai")
    words = text(pdf.render(documents.shipment_document(DocumentKind.INVOICE, shipment("InPacket"), setup)))
    assert "示範網店有限公司" in words
    assert "91310000MA1FL0XX0X" in words
    assert "6%" in words


def test_ful1_a_tax_rate_given_as_a_percentage_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FULFILMENT_INVOICE_TAX_RATE", "13")
    with pytest.raises(ValidationError, match="invoice_tax_rate"):
        FulfilmentSettings()


def test_ful1_a_long_address_and_sku_print_whole_on_the_waybill_not_cut() -> None:
    address = "上海市浦东新区世纪大道100号" * 8 + "A座1201室"
    long_sku = "SKU-" + "X" * 56
    row = shipment("InPacket")
    row.details = {
        **row.details,
        "shipping": {**row.details["shipping"], "address": address},
        "lines": [{"sku": long_sku, "quantity": 1}],
    }
    words = text(pdf.render(documents.shipment_document(DocumentKind.WAYBILL, row, SETUP)))
    flat = words.replace("\r\n", "").replace("\n", "")
    assert address in flat
    assert long_sku in flat
    assert "…" not in words


def test_ful1_the_report_of_a_day_of_2000_shipments_fits_one_nats_reply() -> None:
    rows = [shipment("InPacket", order_id=f"o-{i}") for i in range(2000)]
    content = pdf.render(documents.daily_report(day(), rows, SETUP))
    assert len(base64.b64encode(content)) < 1024 * 1024  # the default max_payload, with room for the reply
    assert "o-1999" in pages(content)[-1]


# -- product names from the catalogue (issue 19) ----------------------------------------------------

PRODUCTS = {
    "TV-55": CatalogueProduct(
        sku="TV-55",
        name="液晶電視 55吋",
        specifications={"尺寸": "55in", "顏色": "黑"},
        accessories=("remote",),
    )
}


def named(kind: DocumentKind) -> str:
    return text(pdf.render(documents.shipment_document(kind, shipment("Stamped"), SETUP, PRODUCTS)))


@pytest.mark.parametrize("kind", [DocumentKind.WAYBILL, DocumentKind.OUTBOUND_NOTE, DocumentKind.INVOICE])
def test_each_line_shows_the_catalogues_product_name_next_to_its_sku(kind: DocumentKind) -> None:
    shown = named(kind)
    assert "TV-55" in shown
    assert "液晶電視 55吋" in shown
    assert "CABLE" in shown  # a SKU the catalogue never spoke for prints alone


@pytest.mark.parametrize("kind", [DocumentKind.WAYBILL, DocumentKind.OUTBOUND_NOTE])
def test_the_waybill_and_outbound_note_have_room_for_the_specifications(kind: DocumentKind) -> None:
    assert "尺寸: 55in; 顏色: 黑" in named(kind)


def test_the_invoice_prints_the_name_without_the_specifications() -> None:
    assert "尺寸" not in named(DocumentKind.INVOICE)


def test_an_unknown_sku_prints_the_sku_alone() -> None:
    assert documents.product_cell("CABLE", PRODUCTS, specifications=True) == "CABLE"
    assert documents.product_cell("TV-55", PRODUCTS, specifications=False) == "TV-55\n液晶電視 55吋"
