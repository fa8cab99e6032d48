"""The return note (退貨單, AS-6) as the paper form prints it, drawn by `shop_print` like the
shipping documents: the order clerk issues it when the returned parcel arrives, stating the
reason; after-sales inspects the goods and accessories against it (AS-7) and stamps.

Each returned product's line shows the SKU with the product's name and specifications from the
catalogue (decision 0011); a SKU the catalogue never spoke for prints alone. An order whose facts
were recorded before after-sales kept the order's SKUs prints no lines (the order id identifies
the goods). Times print in the business time zone.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aftersales.refunds.domain.facts import OrderFacts
from aftersales.refunds.domain.products import CatalogueProduct
from aftersales.refunds.domain.state import RefundCaseState
from jetstream_es.errors import RuleViolated
from shop_print import pdf
from shop_print.pdf import Printable

TITLE = "退貨單 Return Note"
HEADERS = ("商品 SKU / 品名 Product", "規格 Specifications", "附件 Accessories")
SIGNATURES = ("開單員 Order clerk", "售後驗貨 Inspected by", "退貨人 Returned by")


def product_cells(sku: str, products: Mapping[str, CatalogueProduct]) -> tuple[str, str, str]:
    """The SKU with the catalogue's name, its specifications and accessory list ("-" unknown)."""
    product = products.get(sku)
    if product is None or not product.name:
        return sku, "-", "-"
    specs = "; ".join(f"{k}: {v}" for k, v in product.specifications.items()) or "-"
    return f"{sku}\n{product.name}", specs, ", ".join(product.accessories) or "-"


def _local(at: datetime | None, business_tz: str) -> str:
    if at is None:
        return ""
    return f"{at.astimezone(ZoneInfo(business_tz)):%Y-%m-%d %H:%M} ({business_tz})"


def return_note(
    case: RefundCaseState,
    facts: OrderFacts,
    products: Mapping[str, CatalogueProduct],
    business_tz: str = "Asia/Shanghai",
) -> Printable:
    if case.return_note_by is None:
        raise RuleViolated(
            f"refund case {case.case_id} has no return note yet: the order clerk issues it when the "
            "returned parcel arrives",
            "AS-6",
        )
    return Printable(
        title=TITLE,
        number=case.case_id,
        fields=[
            ("訂單 Order", case.order_id),
            ("買家 Buyer", case.buyer_id),
            ("退貨物流單 Return waybill", case.waybill_no or ""),
            ("退貨原因 Reason", case.return_reason or ""),
            ("開單時間 Issued at", _local(case.return_note_at, business_tz)),
        ],
        headers=HEADERS,
        widths=(1.4, 1.4, 1.2),
        rows=[product_cells(sku, products) for sku in facts.skus],
        signatures=tuple(zip(SIGNATURES, (case.return_note_by, "", ""), strict=True)),
        footer=f"時間為 {business_tz} 時間 Times in {business_tz}",
        filename=f"return-note-{case.case_id}.pdf",
    )


async def rendered(printable: Printable) -> dict[str, Any]:
    content = await asyncio.to_thread(pdf.render, printable)  # off the event loop
    return {
        "kind": "return_note",
        "number": printable.number,
        "filename": printable.filename,
        "content_type": "application/pdf",
        "size": len(content),
        "pdf_base64": base64.b64encode(content).decode(),
    }
