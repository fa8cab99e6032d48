"""What each printable document shows (FUL-1, FUL-3, FUL-6), built from the shipping read models.

The labels and columns are data (`LABELS`); `pdf.render` draws them. The outbound note carries the
shipping-only stamp 發貨專用章 only once the shipment is stamped (FUL-6).
"""

from __future__ import annotations

from typing import Any, Final

from fulfilment.adapters.pdf import Printable
from shop_contracts.events.fulfilment import SHIPPING_ONLY_STAMP
from shop_contracts.queries.fulfilment import DocumentKind

STAMPED: Final = frozenset({"Stamped", "InTransit", "Delivered", "Exception"})

LABELS: Final[dict[DocumentKind, dict[str, Any]]] = {
    DocumentKind.REPORT: {
        "title": "發貨日報表 Daily Shipping Report",
        "headers": ("訂單 Order", "物流單 Waybill", "出庫單 Outbound", "發票 Invoice", "狀態 Status"),
    },
    DocumentKind.WAYBILL: {
        "title": "物流單 Waybill",
        "headers": ("商品 SKU", "規格 Size", "數量 Qty"),
    },
    DocumentKind.OUTBOUND_NOTE: {
        "title": "出庫單 Outbound Note",
        "headers": ("商品 SKU", "規格 Size", "數量 Qty"),
    },
    DocumentKind.INVOICE: {
        "title": "發票 Invoice",
        "headers": ("商品 SKU", "規格 Size", "數量 Qty"),
    },
}


def _lines(details: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (str(ln["sku"]), str(ln.get("size") or "-"), str(ln["quantity"])) for ln in details.get("lines", [])
    ]


def _address(details: dict[str, Any]) -> list[tuple[str, str]]:
    shipping = details.get("shipping") or {}
    return [
        ("收件人 Recipient", str(shipping.get("recipient", ""))),
        ("電話 Phone", str(shipping.get("phone", ""))),
        ("地址 Address", str(shipping.get("address", ""))),
    ]


def daily_report(day: Any, shipments: list[Any]) -> Printable:
    layout = LABELS[DocumentKind.REPORT]
    details = day.details
    rows = [
        (s.order_id, s.waybill_no or "-", s.outbound_note_no or "-", s.invoice_no or "-", s.status)
        for s in shipments
    ]
    filled = details.get("filled") or {}
    return Printable(
        title=layout["title"],
        number=day.report_no or "-",
        fields=[
            ("發貨日 Shipping day", day.batch_date.isoformat()),
            ("開單員 Order clerk", str(details.get("generated_by") or "")),
            ("製表時間 Made at", day.generated_at.isoformat() if day.generated_at else ""),
            ("倉管 Keeper", str(details.get("handed_over_to") or "")),
            ("訂單數 Orders", str(len(rows))),
            ("已發貨 Shipped", str(len(filled.get("shipped", [])))),
            ("拒發 Refused", str(len(filled.get("refused", [])))),
        ],
        headers=layout["headers"],
        rows=rows,
        footer=f"狀態 Status: {day.status}",
        filename=f"report-{day.report_no}.pdf",
    )


def shipment_document(kind: DocumentKind, shipment: Any) -> Printable:
    layout = LABELS[kind]
    details = shipment.details
    number = {
        DocumentKind.WAYBILL: shipment.waybill_no,
        DocumentKind.OUTBOUND_NOTE: shipment.outbound_note_no,
        DocumentKind.INVOICE: shipment.invoice_no,
    }[kind]
    fields = [
        ("訂單 Order", shipment.order_id),
        ("發貨日 Shipping day", shipment.batch_date.isoformat() if shipment.batch_date else ""),
        ("日報表 Report", shipment.report_no or ""),
    ]
    stamp = None
    if kind is DocumentKind.WAYBILL:
        fields += [("物流方式 Carrier", str(shipment.carrier or details.get("logistics_method") or ""))]
        fields += _address(details)
        fields += [("要求 Requirements", str(details.get("requirements") or ""))]
    elif kind is DocumentKind.OUTBOUND_NOTE:
        fields += [
            ("物流單 Waybill", shipment.waybill_no or ""),
            ("倉管 Keeper", shipment.keeper or ""),
            ("蓋章時間 Stamped at", shipment.stamped_at.isoformat() if shipment.stamped_at else ""),
        ]
        if shipment.status in STAMPED:
            stamp = SHIPPING_ONLY_STAMP
    else:
        fields += _address(details)[:1]
        fields += [("金額 Amount", str(details.get("amount") or ""))]
    return Printable(
        title=layout["title"],
        number=number or "-",
        fields=fields,
        headers=layout["headers"],
        rows=_lines(details),
        stamp=stamp,
        filename=f"{kind.value}-{number}.pdf",
    )
