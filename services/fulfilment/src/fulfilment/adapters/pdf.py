"""PDF rendering of the shipping documents (FUL-1, FUL-3, FUL-6): the daily report, the waybill,
the outbound note and the invoice.

Layout is data: a `Printable` says title, number, labelled fields, one table and an optional stamp;
`render` draws any of them the same way with reportlab. Chinese text uses reportlab's built-in CID
font MSung-Light (traditional Chinese, no font file needed), so labels such as 出庫單 and the
shipping-only stamp 發貨專用章 come out as real, extractable text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]  # reportlab ships no stubs
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]  # reportlab ships no stubs
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]  # reportlab ships no stubs
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]  # reportlab ships no stubs

FONT = "MSung-Light"
MARGIN = 40.0
LINE = 16.0


@dataclass(frozen=True)
class Printable:
    """One document to print: everything `render` needs, nothing about drawing."""

    title: str
    number: str
    fields: Sequence[tuple[str, str]] = ()
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    stamp: str | None = None
    footer: str = ""
    filename: str = field(default="document.pdf")


@cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _width(text: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, FONT, size))


def _fit(text: str, width: float, size: float) -> str:
    """`text` cut to `width` points (an ellipsis shows the cut)."""
    if _width(text, size) <= width:
        return text
    while text and _width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def render(doc: Printable) -> bytes:
    """The document as PDF bytes (A4, as many pages as the table needs)."""
    font = _font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(f"{doc.title} {doc.number}")
    width, height = float(A4[0]), float(A4[1])
    y = height - MARGIN

    def header() -> float:
        canvas.setFont(font, 18)
        canvas.drawCentredString(width / 2, height - MARGIN - 10, doc.title)
        canvas.setFont(font, 11)
        canvas.drawRightString(width - MARGIN, height - MARGIN - 30, f"編號 No. {doc.number}")
        return height - MARGIN - 56

    y = header()
    canvas.setFont(font, 11)
    for label, value in doc.fields:
        canvas.drawString(MARGIN, y, f"{label}:")
        canvas.drawString(MARGIN + 110, y, _fit(value, width - 2 * MARGIN - 110, 11))
        y -= LINE
    if doc.headers:
        y -= LINE / 2
        columns = len(doc.headers)
        col = (width - 2 * MARGIN) / columns

        def table_header(at: float) -> float:
            canvas.setFont(font, 10)
            for i, head in enumerate(doc.headers):
                canvas.drawString(MARGIN + i * col, at, _fit(head, col - 4, 10))
            canvas.line(MARGIN, at - 4, width - MARGIN, at - 4)
            return at - LINE

        y = table_header(y)
        for row in doc.rows:
            if y < MARGIN + 3 * LINE:
                canvas.showPage()
                y = table_header(header())
            canvas.setFont(font, 10)
            for i, cell in enumerate(row):
                canvas.drawString(MARGIN + i * col, y, _fit(cell, col - 4, 10))
            y -= LINE
    if doc.footer:
        canvas.setFont(font, 9)
        canvas.drawString(MARGIN, MARGIN, _fit(doc.footer, width - 2 * MARGIN, 9))
    if doc.stamp:
        _stamp(canvas, doc.stamp, width - MARGIN - 70, MARGIN + 80)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _stamp(canvas: Canvas, text: str, x: float, y: float) -> None:
    """A red round seal with the stamp's text across it."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.8, 0.05, 0.05)
    canvas.setFillColorRGB(0.8, 0.05, 0.05)
    canvas.setLineWidth(2.5)
    canvas.circle(x, y, 52, stroke=1, fill=0)
    canvas.setFont(FONT, 15)
    canvas.drawCentredString(x, y - 5, text)
    canvas.restoreState()
