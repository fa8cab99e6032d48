"""The return note (退貨單, AS-6) as PDF: each returned product's SKU with the catalogue's name and
specifications next to it (decision 0011), a SKU the catalogue never spoke for alone, the clerk
who issued it on its signature line. Read back with PDFium's text layer, as a reader sees it."""

from __future__ import annotations

import base64

import pypdfium2 as pdfium
import pytest

from jetstream_es.errors import NotFound, RuleViolated
from jetstream_es.testing.catalogue import listed
from shop_contracts.commands import aftersales as c
from shop_contracts.events.orders import OrderLine
from shop_contracts.queries.aftersales import RenderReturnNote

from .helpers import AMOUNT, BUYER, DELIVERED, PAID, PLACED, STAMPED, Aftersales, cmd, request
from .test_return_accessories import returned

TWO_LINES = PLACED.model_copy(
    update={
        "lines": (
            OrderLine(sku="TV-55", quantity=1, unit_price=AMOUNT),
            OrderLine(sku="CABLE", quantity=1, unit_price=AMOUNT),
        )
    }
)


def text(answer: dict[str, object]) -> str:
    content = base64.b64decode(str(answer["pdf_base64"]))
    assert content.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(content)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


async def render(a: Aftersales, case_id: str = "case-1") -> dict[str, object]:
    handler = a.app.runtime.query_handlers[RenderReturnNote]
    answer: dict[str, object] = await handler(RenderReturnNote(case_id=case_id))
    return answer


async def test_the_return_note_shows_each_products_name_and_specifications_next_to_its_sku_as_6() -> None:
    a = await returned()
    await a.catalogue(
        listed(
            "TV-55", "2999.00", name="液晶電視 55吋", specifications={"尺寸": "55in"}, accessories=("遙控器",)
        )
    )
    shown = text(await render(a))
    assert "退貨單" in shown
    assert "TV-55" in shown
    assert "液晶電視 55吋" in shown
    assert "尺寸: 55in" in shown
    assert "遙控器" in shown
    assert "quality" in shown  # the reason the clerk stated


async def test_a_sku_the_catalogue_never_spoke_for_prints_alone_as_6() -> None:
    a = await returned()
    shown = text(await render(a))
    assert "TV-55" in shown
    assert "液晶電視" not in shown


async def test_the_order_facts_keep_every_sku_of_the_order_for_the_note_as_6() -> None:
    a = Aftersales()
    await a.facts(TWO_LINES)
    assert (await a.commands.facts.state("o-1")).skus == ("TV-55", "CABLE")


async def test_an_unknown_case_has_no_return_note() -> None:
    a = Aftersales()
    with pytest.raises(NotFound):
        await render(a)


async def test_a_case_whose_note_the_clerk_has_not_issued_is_refused_naming_as_6() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID, STAMPED, DELIVERED)
    await a.given(
        request(), cmd(c.ApproveRefundRequest), cmd(c.RecordReturnDispatch, BUYER, waybill_no="RB-1")
    )
    with pytest.raises(RuleViolated) as refused:
        await render(a)
    assert refused.value.rule == "AS-6"
