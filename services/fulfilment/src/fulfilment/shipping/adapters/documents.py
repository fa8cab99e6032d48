"""What each printable document shows (FUL-1, FUL-3, FUL-6), built from the shipping read models.

Every line of the waybill, the outbound note (出庫單) and the invoice shows the SKU with the
product's name from the catalogue under it (issue 19); the waybill and the outbound note add its
specifications, the invoice has no room for them. A SKU the catalogue never spoke for prints alone.

The labels, columns and signature lines are data (`LABELS`); `pdf.render` draws them. Times are
printed in the business time zone (`SHOP_BUSINESS_TZ`, default Asia/Shanghai), states in Chinese
with the English name beside them.

Signature lines follow the paper flow of 000 (FUL-1): the order clerk (開單員) makes and prints the
documents, the warehouse keeper (倉管) ships against the outbound note and fills in the daily
report, which goes to the department manager (部門經理, FUL-7). So the daily report is signed by
clerk, keeper and manager; the outbound note by the clerk who issued it, the keeper who shipped
and the handler (經手人, the courier taking the goods); the waybill by the keeper, the courier and
the recipient; the invoice by its drawer (開票人), a checker (復核) and the payee (收款人).

The outbound note carries the shipping-only stamp 發貨專用章 only once the shipment is stamped
(FUL-6). The invoice shows the seller (name, tax number, address: settings), every line's unit
price and amount, and the tax: order prices include VAT at `tax_rate` (designer default 13 %, the
standard rate on goods), so each line's tax is `amount - amount / (1 + rate)`, rounded to cents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final
from zoneinfo import ZoneInfo

from fulfilment.shipping.domain.products import CatalogueProduct
from shop_contracts.events.fulfilment import SHIPPING_ONLY_STAMP
from shop_contracts.queries.fulfilment import DocumentKind, ShipmentStatus, ShippingDayStatus
from shop_print.pdf import Printable

STAMPED: Final = frozenset({"Stamped", "InTransit", "Delivered", "Exception"})
CENT: Final = Decimal("0.01")
DEFAULT_TAX_RATE: Final = Decimal("0.13")

SHIPMENT_STATUS_ZH: Final[dict[str, str]] = {
    ShipmentStatus.PENDING: "待確認",
    ShipmentStatus.QUEUED: "待發貨",
    ShipmentStatus.IN_PACKET: "已出單",
    ShipmentStatus.ACCESSORIES_CHECKED: "附件已查",
    ShipmentStatus.DISPATCHED: "已發貨",
    ShipmentStatus.STAMPED: "已蓋章",
    ShipmentStatus.IN_TRANSIT: "運輸中",
    ShipmentStatus.DELIVERED: "已簽收",
    ShipmentStatus.EXCEPTION: "快遞異常",
    ShipmentStatus.REFUSED: "拒發",
    ShipmentStatus.CANCELLED: "已取消",
}
DAY_STATUS_ZH: Final[dict[str, str]] = {
    ShippingDayStatus.OPEN: "開放",
    ShippingDayStatus.REPORT_GENERATED: "已製表",
    ShippingDayStatus.HANDED_TO_WAREHOUSE: "已交倉管",
    ShippingDayStatus.DISPATCHING: "發貨中",
    ShippingDayStatus.REPORT_FILLED: "已填報",
    ShippingDayStatus.CLOSED: "已交部門經理",
}

LINE_HEADERS: Final = ("商品 SKU / 品名 Product", "規格 Size", "數量 Qty")
NO_PRODUCTS: Final[Mapping[str, CatalogueProduct]] = {}

LABELS: Final[dict[DocumentKind, dict[str, Any]]] = {
    DocumentKind.REPORT: {
        "title": "發貨日報表 Daily Shipping Report",
        "headers": ("訂單 Order", "物流單 Waybill", "出庫單 Outbound", "發票 Invoice", "狀態 Status"),
        "widths": (1.1, 1.0, 1.0, 1.0, 1.3),
        "signatures": ("製表 開單員 Order clerk", "倉管 Keeper", "部門經理 Dept. manager"),
    },
    DocumentKind.WAYBILL: {
        "title": "物流單 Waybill",
        "headers": LINE_HEADERS,
        "signatures": ("寄件 倉管 Keeper", "快遞員 Courier", "收件人簽收 Received by"),
    },
    DocumentKind.OUTBOUND_NOTE: {
        "title": "出庫單 Outbound Note",
        "headers": LINE_HEADERS,
        "signatures": ("開單員 Issued by", "倉管 Keeper", "經手人 Handler"),
    },
    DocumentKind.INVOICE: {
        "title": "發票 Invoice",
        "headers": (
            "商品 SKU / 品名 Product",
            "規格 Size",
            "數量 Qty",
            "單價 Unit price",
            "金額 Amount",
            "稅率 Rate",
            "稅額 Tax",
        ),
        "widths": (1.5, 0.9, 0.7, 1.1, 1.1, 0.7, 1.0),
        "signatures": ("開票人 Drawn by", "復核 Checked by", "收款人 Payee"),
    },
}


@dataclass(frozen=True)
class DocumentSetup:
    """What the documents print that the shipment does not know (settings, FUL-1).

    `business_tz`: the zone times are printed in. The seller is who the invoice is issued by;
    `tax_rate` the VAT included in the order's prices."""

    business_tz: str = "Asia/Shanghai"
    seller_name: str = "電子商務部 E-commerce Department"
    seller_tax_id: str = ""
    seller_address: str = ""
    seller_phone: str = ""
    tax_rate: Decimal = DEFAULT_TAX_RATE

    def __post_init__(self) -> None:
        ZoneInfo(self.business_tz)  # an unknown zone fails here, not on the first document
        if not Decimal(0) <= self.tax_rate < Decimal(1):
            raise ValueError(f"tax_rate: {self.tax_rate} is not a rate between 0 and 1 (FUL-1 invoice)")

    def local(self, at: datetime | None) -> str:
        """`at` as a business-local date and time, e.g. `2026-03-02 14:00 (Asia/Shanghai)`."""
        if at is None:
            return ""
        return f"{at.astimezone(ZoneInfo(self.business_tz)):%Y-%m-%d %H:%M} ({self.business_tz})"


DEFAULT_SETUP: Final = DocumentSetup()


def status_zh(status: str, names: dict[str, str]) -> str:
    """`已蓋章 Stamped`: the state in Chinese with its English name (the name alone if unknown)."""
    chinese = names.get(status)
    return f"{chinese} {status}" if chinese else status


def _money(value: Decimal) -> str:
    return f"¥{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def product_cell(sku: str, products: Mapping[str, CatalogueProduct], *, specifications: bool) -> str:
    """The SKU with the catalogue's product name under it, and its specifications where the
    document has room (`specifications`); a SKU the catalogue never spoke for prints alone."""
    product = products.get(sku)
    if product is None or not product.name:
        return sku
    cell = f"{sku}\n{product.name}"
    if specifications and product.specifications:
        cell += "\n" + "; ".join(f"{k}: {v}" for k, v in product.specifications.items())
    return cell


def _lines(details: dict[str, Any], products: Mapping[str, CatalogueProduct]) -> list[tuple[str, str, str]]:
    return [
        (
            product_cell(str(ln["sku"]), products, specifications=True),
            str(ln.get("size") or "-"),
            str(ln["quantity"]),
        )
        for ln in details.get("lines", [])
    ]


def _address(details: dict[str, Any]) -> list[tuple[str, str]]:
    shipping = details.get("shipping") or {}
    return [
        ("收件人 Recipient", str(shipping.get("recipient", ""))),
        ("電話 Phone", str(shipping.get("phone", ""))),
        ("地址 Address", str(shipping.get("address", ""))),
    ]


def _date(day: date | None) -> str:
    return day.isoformat() if day else ""


def daily_report(day: Any, shipments: list[Any], setup: DocumentSetup = DEFAULT_SETUP) -> Printable:
    layout = LABELS[DocumentKind.REPORT]
    details = day.details
    rows = [
        (
            s.order_id,
            s.waybill_no or "-",
            s.outbound_note_no or "-",
            s.invoice_no or "-",
            status_zh(s.status, SHIPMENT_STATUS_ZH),
        )
        for s in shipments
    ]
    filled = details.get("filled") or {}
    submitted = details.get("submitted") or {}

    def count(key: str) -> str:
        value = filled.get(key, [])
        return str(value if isinstance(value, int) else len(value))

    keeper = str(filled.get("by") or details.get("handed_over_to") or "")
    return Printable(
        title=layout["title"],
        number=day.report_no or "-",
        fields=[
            ("發貨日 Shipping day", _date(day.batch_date)),
            ("開單員 Order clerk", str(details.get("generated_by") or "")),
            ("製表時間 Made at", setup.local(day.generated_at)),
            ("交倉管時間 Handed over", setup.local(getattr(day, "handed_over_at", None))),
            ("倉管 Keeper", keeper),
            ("訂單數 Orders", str(len(rows))),
            ("已發貨 Shipped", count("shipped")),
            ("拒發 Refused", count("refused")),
            ("已取消 Cancelled", count("cancelled")),
        ],
        headers=layout["headers"],
        widths=layout["widths"],
        rows=rows,
        signatures=tuple(
            zip(
                layout["signatures"],
                (
                    str(details.get("generated_by") or ""),
                    keeper,
                    str(submitted.get("to_manager") or ""),
                ),
                strict=True,
            )
        ),
        footer=f"狀態 Status: {status_zh(day.status, DAY_STATUS_ZH)}",
        filename=f"report-{day.report_no}.pdf",
    )


def _invoice_lines(
    details: dict[str, Any], setup: DocumentSetup, products: Mapping[str, CatalogueProduct]
) -> tuple[list[tuple[str, ...]], list[tuple[str, str]]]:
    """The invoice's rows and totals. Prices include VAT: net = gross / (1 + rate)."""
    rate = setup.tax_rate
    percent = f"{(rate * 100).normalize():f}%"
    rows: list[tuple[str, ...]] = []
    gross_sum, tax_sum, priced = Decimal(0), Decimal(0), True
    for ln in details.get("lines", []):
        price = _decimal(ln.get("unit_price"))
        quantity = int(ln["quantity"])
        product = product_cell(str(ln["sku"]), products, specifications=False)
        if price is None:
            priced = False
            rows.append((product, str(ln.get("size") or "-"), str(quantity), "-", "-", percent, "-"))
            continue
        gross = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        tax = (gross - gross / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        gross_sum += gross
        tax_sum += tax
        rows.append(
            (
                product,
                str(ln.get("size") or "-"),
                str(quantity),
                _money(price),
                _money(gross),
                percent,
                _money(tax),
            )
        )
    amount = _decimal(details.get("amount"))
    if not priced or not rows:
        # lines noted before their prices were carried: the tax comes from the order's total
        gross_sum = amount if amount is not None else gross_sum
        tax_sum = (gross_sum - gross_sum / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    totals = [
        ("金額 (不含稅) Net amount", _money(gross_sum - tax_sum)),
        (f"稅額 Tax ({percent})", _money(tax_sum)),
        ("價稅合計 Total incl. tax", _money(gross_sum)),
    ]
    return rows, totals


def shipment_document(
    kind: DocumentKind,
    shipment: Any,
    setup: DocumentSetup = DEFAULT_SETUP,
    products: Mapping[str, CatalogueProduct] = NO_PRODUCTS,
) -> Printable:
    """`products`: the catalogue's products of the shipment's SKUs (their names are printed)."""
    layout = LABELS[kind]
    details = shipment.details
    number = {
        DocumentKind.WAYBILL: shipment.waybill_no,
        DocumentKind.OUTBOUND_NOTE: shipment.outbound_note_no,
        DocumentKind.INVOICE: shipment.invoice_no,
    }[kind]
    fields = [
        ("訂單 Order", shipment.order_id),
        ("發貨日 Shipping day", _date(shipment.batch_date)),
        ("日報表 Report", shipment.report_no or ""),
    ]
    stamp = None
    rows: list[tuple[str, ...]] = list(_lines(details, products))
    totals: list[tuple[str, str]] = []
    keeper = shipment.keeper or ""
    names: tuple[str, ...] = ("", "", "")
    if kind is DocumentKind.WAYBILL:
        fields += [("物流方式 Carrier", str(shipment.carrier or details.get("logistics_method") or ""))]
        fields += _address(details)
        fields += [("要求 Requirements", str(details.get("requirements") or ""))]
        fields += [("發貨時間 Dispatched at", setup.local(getattr(shipment, "dispatched_at", None)))]
        names = (keeper, "", "")
    elif kind is DocumentKind.OUTBOUND_NOTE:
        fields += [
            ("物流單 Waybill", shipment.waybill_no or ""),
            ("狀態 Status", status_zh(shipment.status, SHIPMENT_STATUS_ZH)),
            ("發貨時間 Dispatched at", setup.local(getattr(shipment, "dispatched_at", None))),
            ("蓋章時間 Stamped at", setup.local(shipment.stamped_at)),
        ]
        names = ("", keeper, "")
        if shipment.status in STAMPED:
            stamp = SHIPPING_ONLY_STAMP
    else:
        fields += [
            ("銷售方 Seller", setup.seller_name),
            ("納稅人識別號 Tax No.", setup.seller_tax_id or "未設定 not set (FULFILMENT_SELLER_TAX_ID)"),
            (
                "銷售方地址 Seller address",
                " ".join(p for p in (setup.seller_address, setup.seller_phone) if p),
            ),
        ]
        fields += [("購買方 Buyer", _address(details)[0][1])]
        rows, totals = _invoice_lines(details, setup, products)
    return Printable(
        title=layout["title"],
        number=number or "-",
        fields=fields,
        headers=layout["headers"],
        widths=layout.get("widths", ()),
        rows=rows,
        totals=totals,
        signatures=tuple(zip(layout["signatures"], names, strict=True)),
        stamp=stamp,
        footer=f"時間為 {setup.business_tz} 時間 Times in {setup.business_tz}",
        filename=f"{kind.value}-{number}.pdf",
    )
