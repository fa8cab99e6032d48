"""The warehouse keeper's screens, pure parts (issue 18 parts 3 and 5): the monthly inventory report
as PDF (FUL-14: embedded CJK font, local times in Asia/Shanghai, the signature lines of the keeper,
the operations director and the store manager; text extracted with PDFium and pypdf, the glyphs
inked), the receipt's comparison with the delivery note (FUL-12), the stocktake's rows and the
field paths of their refusals (FUL-15), and the shipment actions offered per state (SM-SHIP,
FUL-4..FUL-6); the day's report filled and submitted (FUL-1, FUL-7), a recall's answers (SM-SHIP),
a lot's inspection (FUL-22), a discrepancy outside a stocktake (FUL-15), the daily ledger (FUL-13)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from pypdf import PdfReader

from backoffice.shop import ShopReply
from backoffice.web.forms import parse_form
from backoffice.web.screens import warehouse
from backoffice.web.screens.warehouse_report import inventory_pdf, inventory_printable
from shop_contracts.commands.stock import (
    CloseDailyLedger,
    ReceiveInbound,
    RecordLotInspection,
    RecordStocktake,
    ReportStockDiscrepancy,
)
from shop_contracts.envelope import Actor
from shop_print.proof import inked, pdf_text

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


def test_ful14_the_inventory_report_pdf_embeds_its_font_and_reads_as_typed() -> None:
    content = inventory_pdf(REPORT)
    fonts = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        assert "/ToUnicode" in font
    typed = pdf_text(content)
    for needle in ("月度库存报表", "2026-11", "SKU-TEA", "38", "运营总监", "店长", "仓库保管员"):
        assert needle in typed, needle
    for needle in ("月度库存报表", "SKU-TEA", "运营总监"):
        assert inked(content, needle) > 0.08, f"{needle!r} is not drawn"


def test_ful14_times_print_in_shanghai_and_unreconciled_items_and_unclosed_days_are_named() -> None:
    printable = inventory_printable(REPORT, "Asia/Shanghai")
    fields = dict(printable.fields)
    assert fields["编制时间"] == "2026-11-30 17:30"
    assert fields["未日清的日子"] == "2026-11-30"
    assert dict(printable.totals)["账物不符"] == "SKU-MUG"
    assert dict(printable.totals)["入库合计"] == "40"
    rows = {row[0]: row for row in printable.rows}
    assert rows["SKU-MUG"][-1] == "不符"
    assert rows["SKU-TEA"][-1] == "相符"
    assert [label for label, _ in printable.signatures] == ["仓库保管员", "运营总监", "店长"]


def test_ful14_live_figures_print_as_not_compiled() -> None:
    printable = inventory_printable({"month": "2026-12", "compiled": False, "lines": []})
    assert dict(printable.fields)["状态"].startswith("未编制")
    assert "未编制" in pdf_text(inventory_pdf({"month": "2026-12", "compiled": False, "lines": []}))


def test_ful12_a_short_line_is_a_quantity_mismatch_beside_the_note() -> None:
    posted = {
        "note_quantity": ["10"],
        "received_quantity": ["8"],
        "note_name": ["龙井"],
        "received_name": ["龙井"],
    }
    assert warehouse._mismatches(posted) == [{"field": "quantity", "on_note": "10", "found": "8"}]


def test_ful22_a_receipt_without_its_label_is_refused_at_the_labels_field_paths() -> None:
    posted = {
        "sku": ["SKU-TEA"],
        "lot_no": ["L-1"],
        "supplier": ["上海茶叶"],
        "delivery_note_no": ["DN-1"],
        "note_name": ["龙井"],
        "note_quantity": ["10"],
        "received_name": ["龙井"],
        "received_quantity": ["10"],
        "inspection": ["passed"],
        "label.name": ["龙井"],
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


SHIPMENT: dict[str, Any] = {
    "shipment_id": "o-1",
    "order_id": "o-1",
    "status": "InPacket",
    "batch_date": "2026-12-02",
    "documents": {"outbound_note_no": "CK00000001", "waybill_no": "WB00000001"},
    "carrier": None,
    "stamped_at": "2026-12-02T07:00:00+00:00",
    "history": [
        {
            "version": 7,
            "event_type": "ShipmentStamped",
            "occurred_at": "2026-12-02T07:00:00+00:00",
            "actor_id": "e-4101",
        }
    ],
    "details": {"missing": ["电源线"], "refusal": {"reason": "缺签字"}, "logistics_method": "SF"},
}
STOCK = ShopReply(
    True,
    {
        "items": [
            {
                "sku": "SKU-TEA",
                "on_hand": 8,
                "reserved": 1,
                "sellable": 7,
                "quarantined": 0,
                "waiting": 0,
                "lots": [{"lot_no": "L-1", "on_hand": 8, "inspection": "passed"}],
            }
        ]
    },
)


def page(template: str, **context: Any) -> str:
    """A warehouse template rendered as the app renders it (Chinese catalogue, the base's globals)."""
    from backoffice.web.app import templates
    from backoffice.web.core import Person
    from backoffice.web.i18n import load_catalogues

    env = templates().env
    env.globals["tz"] = "Asia/Shanghai"
    person = Person("e-4101", ("warehouse_keeper",), "csrf-1", "h")
    request = type("R", (), {"query_params": {"done": "check"}})()
    full = {
        "_": load_catalogues()["zh_CN"].gettext,
        "lang": "zh_CN",
        "languages": {},
        "csrf": "csrf-1",
        "menu": [],
        "path": "/warehouse",
        "person": person,
        "request": request,
        **context,
    }
    return env.get_template(template).render(full)


def test_the_home_lists_work_due_by_state_and_the_stock_with_its_lots_fifo() -> None:
    queues = {
        s.value: {"reply": ShopReply(True), "total": 1, "shipments": [SHIPMENT]} for s in warehouse.QUEUES
    }
    html = page("warehouse/home.html", month="2026-12", queues=queues, stock=STOCK)
    assert 'data-testid="queue-InPacket"' in html
    assert "CK00000001" in html
    assert "出庫單" in html  # the seeds' term
    assert 'data-testid="stock-SKU-TEA"' in html
    assert "L-1" in html
    assert "sse:Shipment" in html


def test_ful4_the_shipment_page_shows_the_checklist_and_the_missing_items_with_the_rule() -> None:
    lines = [
        {
            "sku": "SKU-KET",
            "name": "电热水壶",
            "quantity": 1,
            "accessories": [
                {"name": "说明书", "present": True, "missing": False},
                {"name": "电源线", "present": False, "missing": True},
            ],
            "unknown": False,
        }
    ]
    html = page(
        "warehouse/shipment.html",
        shipment_id="o-1",
        got=ShopReply(True, SHIPMENT),
        shipment=SHIPMENT,
        lines=lines,
        offered=["check", "refuse"],
        action="refuse",
        reply=ShopReply(False, code="forbidden", message="RefuseOutbound needs dept_manager"),
        posted={"reason": ["缺签字"]},
    )
    assert 'data-testid="missing"' in html
    assert "FUL-4" in html
    assert 'data-testid="present-说明书"' in html
    assert 'data-testid="refused-forbidden"' in html
    assert 'data-testid="dispatch"' not in html  # not offered in InPacket (SM-SHIP)
    assert "已盖發貨專用章" in html  # the history GetShipment answers, who and when in Beijing time
    assert "2026-12-02 15:00:00" in html


def test_ful12_ful14_ful15_the_receipt_lot_report_and_stocktake_pages_render() -> None:
    refused = ShopReply(False, code="invalid", message="x", fields={"label.model": "Field required"})
    receipt = page("warehouse/receipt.html", posted={"sku": ["SKU-TEA"]}, reply=refused, mismatches=[])
    assert 'data-testid="error-label.model"' in receipt
    lot = {
        "supplier": "s",
        "delivery_note_no": "DN-1",
        "on_hand": 8,
        "inspection": "passed",
        "received_at": "2026-12-02T01:00:00+00:00",
        "mismatches": [{"field": "quantity", "on_note": "10", "found": "8"}],
    }
    shown = page("warehouse/lot.html", sku="SKU-TEA", lot_no="L-1", lot=lot)
    assert 'data-testid="mismatches"' in shown
    assert "数量" in shown
    report = page("warehouse/inventory.html", month="2026-11", report=ShopReply(True, REPORT), reply=None)
    assert "SKU-MUG" in report
    assert "2026-11-30 17:30" in report  # compiled at, Beijing time
    stocktake = page(
        "warehouse/stocktake.html",
        stock=STOCK,
        posted={"counted.0": ["-1"]},
        reply=ShopReply(False, code="invalid", fields={"lines.0.counted": "too small"}),
        row_errors={"counted.0": "too small"},
    )
    assert 'data-testid="error-counted.0"' in stocktake
    assert 'name="lot_no.0" value="L-1"' in stocktake


# --- the keeper's remaining steps: the day's report (FUL-1, FUL-7), recalls (SM-SHIP), a lot's
# inspection (FUL-22), a discrepancy outside a stocktake (FUL-15), the daily ledger (FUL-13) ------


def test_ful1_ful7_the_days_report_is_filled_after_the_hand_over_and_submitted_once_filled() -> None:
    day = dt.date(2026, 12, 2)
    assert list(warehouse.day_forms(day, "ReportGenerated")) == []  # the clerk's step first (FUL-1)
    assert list(warehouse.day_forms(day, "HandedToWarehouse")) == ["fill"]
    assert list(warehouse.day_forms(day, "Dispatching")) == ["fill"]
    assert list(warehouse.day_forms(day, "ReportFilled")) == ["submit"]  # FUL-7
    assert list(warehouse.day_forms(day, "Closed")) == []
    submit = warehouse.day_forms(day, "ReportFilled")["submit"]
    assert [i.name for i in submit.inputs] == ["to_manager"]  # the day comes from the page, never typed
    assert submit.action == "/warehouse/days/2026-12-02/submit"


def test_ful7_a_refused_submission_keeps_its_typing_and_names_the_field() -> None:
    refused = ShopReply(False, code="invalid", message="x", fields={"to_manager": "too long"})
    forms = warehouse.day_forms(
        dt.date(2026, 12, 2), "ReportFilled", ("submit", {"to_manager": "王" * 200}, refused)
    )
    (to_manager,) = forms["submit"].inputs
    assert to_manager.value == "王" * 200
    assert to_manager.error == "too long"


def test_sm_ship_an_open_recall_offers_only_the_keepers_two_answers() -> None:
    held = {"status": "Dispatched", "details": {"recall": {"status": "open", "reason": "买家取消"}}}
    assert warehouse.offered(held) == ["recalled", "decline"]
    answered = {"status": "Dispatched", "details": {"recall": {"status": "declined"}}}
    assert warehouse.offered(answered) == ["stamp"]  # a declined recall goes on to the stamp
    queues = {
        "AccessoriesChecked": {"shipments": [{"shipment_id": "o-1", **held}]},
        "Dispatched": {"shipments": [{"shipment_id": "o-2", **answered}]},
        "InPacket": {"shipments": [{"shipment_id": "o-3", **held}]},  # not recallable: cancelled at once
    }
    assert [s["shipment_id"] for s in warehouse.recalls(queues)] == ["o-1"]


def test_ful22_ful15_the_inspection_outcome_and_the_discrepancy_kind_are_selects_of_the_contracts_values() -> (
    None
):
    inspection = warehouse.command_form(RecordLotInspection, "/x", fixed={"sku": "SKU-TEA", "lot_no": "L-1"})
    by_name = {i.name: i for i in inspection.inputs}
    assert set(by_name) == {"inspection", "note"}
    assert (by_name["inspection"].kind, by_name["inspection"].options) == ("select", ["passed", "failed"])
    discrepancy = warehouse.command_form(
        ReportStockDiscrepancy, "/x", fixed={"sku": "S", "lot_no": "L", "report_id": "r"}
    )
    kinds = {i.name: i for i in discrepancy.inputs}["kind"]
    assert kinds.options == ["surplus", "shortage", "damage"]
    assert [i.name for i in discrepancy.inputs] == ["kind", "quantity", "cause", "responsible", "remedy"]


def test_ful15_a_discrepancy_without_its_cause_is_refused_at_that_field() -> None:
    fixed = {"sku": "SKU-TEA", "lot_no": "L-1", "report_id": "sd-1"}
    posted = {"kind": "shortage", "quantity": "1", "responsible": "e-4101", "remedy": "赔偿"}
    refused = parse_form(ReportStockDiscrepancy, posted, KEEPER, "c-1", fixed)
    assert isinstance(refused, ShopReply)
    assert set(refused.fields) == {"cause"}
    command = parse_form(ReportStockDiscrepancy, {**posted, "cause": "搬运遗失"}, KEEPER, "c-2", fixed)
    assert isinstance(command, ReportStockDiscrepancy)
    assert (command.sku, command.lot_no, command.quantity) == ("SKU-TEA", "L-1", 1)


def test_ful22_the_lot_page_offers_the_inspection_only_while_the_lot_is_pending() -> None:
    lot = {
        "supplier": "s",
        "delivery_note_no": "DN-1",
        "on_hand": 8,
        "inspection": "pending",
        "received_at": "2026-12-02T01:00:00+00:00",
        "mismatches": [],
    }
    forms = {
        "inspection": warehouse.command_form(
            RecordLotInspection, "/warehouse/lots/S/L-1/inspection", fixed={"sku": "S", "lot_no": "L-1"}
        ),
        "discrepancy": warehouse.command_form(
            ReportStockDiscrepancy,
            "/warehouse/lots/S/L-1/discrepancy",
            reply=ShopReply(False, code="rule_violated", rule="FUL-15", message="a shortage needs its cause"),
            fixed={"sku": "S", "lot_no": "L-1", "report_id": "r"},
        ),
    }
    html = page("warehouse/lot.html", sku="S", lot_no="L-1", lot=lot, forms=forms)
    assert 'data-testid="inspection-form"' in html
    assert '<option value="failed"' in html
    assert "待检" in html or "pending" in html
    assert "FUL-15" in html
    assert "a shortage needs its cause" in html
    assert "sse:StockItem" in html  # live refresh
    passed = page("warehouse/lot.html", sku="S", lot_no="L-1", lot={**lot, "inspection": "passed"}, forms={})
    assert 'data-testid="inspection-form"' not in passed


def test_ful1_ful7_the_day_page_shows_open_shipments_and_the_forms_its_state_offers() -> None:
    day = {
        "batch_date": "2026-12-02",
        "status": "Dispatching",
        "report_no": "RB20261202",
        "handed_over_at": "2026-12-02T06:10:00+00:00",
        "details": {},
        "shipments": [
            {"shipment_id": "o-1", "status": "Stamped", "documents": {"outbound_note_no": "CK1"}},
            {"shipment_id": "o-2", "status": "InPacket", "documents": {"outbound_note_no": "CK2"}},
        ],
    }
    refused = ShopReply(False, code="rule_violated", rule="FUL-1", message="still open: o-2 (InPacket)")
    forms = warehouse.day_forms(dt.date(2026, 12, 2), "Dispatching", ("fill", {}, refused))
    html = page(
        "warehouse/day.html",
        day="2026-12-02",
        got=ShopReply(True, day),
        shipping_day=day,
        forms=forms,
        reply=None,
    )
    assert 'data-testid="fill-form"' in html
    assert 'data-testid="submit-form"' not in html
    assert "FUL-1" in html
    assert "still open: o-2" in html
    assert 'data-testid="day-o-2" class="invalid"' in html
    assert "2026-12-02 14:10:00" in html  # handed over, Beijing time
    assert "sse:ShippingDay" in html
    closed = {
        **day,
        "status": "Closed",
        "submitted_at": "2026-12-02T09:00:00+00:00",
        "details": {"submitted": {"by": "e-4101", "to_role": "dept_manager", "to_manager": "e-1"}},
    }
    shown = page(
        "warehouse/day.html",
        day="2026-12-02",
        got=ShopReply(True, closed),
        shipping_day=closed,
        forms={},
        reply=None,
    )
    assert 'data-testid="submitted"' in shown
    assert "e-4101" in shown
    none = page(
        "warehouse/day.html",
        day="2026-12-03",
        got=ShopReply(False, code="not_found"),
        shipping_day={},
        forms={},
        reply=None,
    )
    assert 'data-testid="no-day"' in none


def test_ful13_the_ledger_form_takes_the_day_and_a_refusal_names_the_rule() -> None:
    form = warehouse.command_form(
        CloseDailyLedger,
        "/warehouse/ledger",
        values={"day": "2026-12-01"},
        reply=ShopReply(
            False, code="rule_violated", rule="FUL-13", message="the ledger of 2026-12-01 was closed already"
        ),
    )
    assert [(i.name, i.kind, i.value) for i in form.inputs] == [("day", "date", "2026-12-01")]
    html = page("warehouse/ledger.html", day="2026-12-01", form=form)
    assert "FUL-13" in html
    assert "closed already" in html
    assert "/history/fulfilment/LedgerDay/2026-12-01" in html
    report = page("warehouse/inventory.html", month="2026-11", report=ShopReply(True, REPORT), reply=None)
    assert 'href="/warehouse/ledger?day=2026-11-30"' in report  # an unclosed day links to its closing


def test_sm_ship_the_shipment_page_of_an_open_recall_shows_its_reason_and_only_the_two_answers() -> None:
    held = {
        **SHIPMENT,
        "status": "Dispatched",
        "details": {"recall": {"status": "open", "reason": "买家取消订单", "case_id": "c-9"}},
    }
    html = page(
        "warehouse/shipment.html",
        shipment_id="o-1",
        got=ShopReply(True, held),
        shipment=held,
        lines=[],
        offered=warehouse.offered(held),
        recall=held["details"]["recall"],
        action="decline",
        reply=ShopReply(False, code="invalid", message="x", fields={"reason": "Field required"}),
        posted={},
    )
    assert 'data-recall="open"' in html
    assert "买家取消订单" in html
    assert 'data-testid="recalled"' in html
    assert 'data-testid="decline"' in html
    assert 'data-testid="error-reason"' in html  # beside the decline's reason
    assert 'data-testid="stamp"' not in html  # held until answered (SM-SHIP)


def test_ful1_the_filled_report_shows_who_filled_it_and_its_counts() -> None:
    day = {
        "batch_date": "2026-12-02",
        "status": "ReportFilled",
        "report_no": "RB1",
        "filled_at": "2026-12-02T08:00:00+00:00",
        "details": {"filled": {"by": "e-4101", "shipped": 2, "refused": 1, "cancelled": 0}},
        "shipments": [],
    }
    forms = warehouse.day_forms(dt.date(2026, 12, 2), "ReportFilled")
    html = page(
        "warehouse/day.html",
        day="2026-12-02",
        got=ShopReply(True, day),
        shipping_day=day,
        forms=forms,
        reply=None,
    )
    assert 'data-testid="submit-form"' in html
    assert "e-4101" in html
    assert "2026-12-02 16:00:00" in html
