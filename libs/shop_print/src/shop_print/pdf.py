"""PDF rendering of the department's paper forms: the shipping documents (FUL-1, FUL-3, FUL-6: the daily
report, the waybill, the outbound note and the invoice), return notes, payslips and the monthly
inventory report.

Layout is data: a `Printable` says title, number, labelled fields, one table, totals, the
signature lines of the paper form and an optional stamp; `render` draws any of them the same way
with reportlab.

The text is set in WenQuanYi Micro Hei (文泉驛微米黑, TrueType outlines, Apache-2.0), shipped by the
PyPI package `paperang-p2-fonts-cjk`. reportlab embeds the subset of the glyphs a document uses,
with a ToUnicode map, so every viewer draws the same characters (出庫單, 發貨專用章, simplified
addresses alike) and the text extracts as typed. A font that is only named and not embedded (the
CID font MSung-Light used before) draws blank pages or other characters in viewers that do not
carry that font.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]  # reportlab ships no stubs
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]  # reportlab ships no stubs
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]  # reportlab ships no stubs
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]  # reportlab ships no stubs

FONT = "WenQuanYiMicroHei"
FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_FILE = "fonts/wqy-microhei.ttc"
MARGIN = 40.0
LINE = 16.0
SIGNATURE_BLOCK = 3 * LINE
_DRAWING = threading.Lock()  # reportlab keeps per-document subset state on the shared font object
LABEL_WIDTH = 150.0
STAMP_RADIUS = 52.0


@dataclass(frozen=True)
class Printable:
    """One document to print: everything `render` needs, nothing about drawing.

    `widths` are the table's relative column widths (equal when empty); `totals` are label/value
    lines under the table; `signatures` are the form's signature lines, each a role label and the
    name printed beside the line ("" leaves it to be signed by hand)."""

    title: str
    number: str
    fields: Sequence[tuple[str, str]] = ()
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    widths: Sequence[float] = ()
    totals: Sequence[tuple[str, str]] = ()
    signatures: Sequence[tuple[str, str]] = ()
    stamp: str | None = None
    footer: str = ""
    filename: str = field(default="document.pdf")


def font_path() -> Path:
    """The embedded font's file, from its package (a clear error if the package is missing)."""
    try:
        path = Path(str(resources.files(FONT_PACKAGE) / FONT_FILE))
    except ModuleNotFoundError as exc:  # pragma: no cover - the dependency is declared
        raise RuntimeError(
            f"the documents' CJK font package {FONT_PACKAGE!r} is not installed (FUL-1: documents "
            "need an embedded Chinese font); install the fulfilment service's dependencies"
        ) from exc
    if not path.is_file():  # pragma: no cover - the package ships it
        raise RuntimeError(f"the documents' CJK font {path} is missing from {FONT_PACKAGE!r}")
    return path


@cache
def _font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
    return FONT


def _width(text: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, _font(), size))


def _fit(text: str, width: float, size: float) -> str:
    """`text` cut to `width` points (an ellipsis shows the cut)."""
    if _width(text, size) <= width:
        return text
    while text and _width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, width: float, size: float) -> list[str]:
    """`text` broken into lines of at most `width` points, never cut: at a space where one is
    near, else between characters (Chinese has no spaces). An address or SKU prints whole."""
    if "\n" not in text and _width(text, size) <= width:
        return [text]
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if _width(line + char, size) <= width or not line:
                line += char
                continue
            head, space, tail = line.rpartition(" ")
            if space and head and _width(head, size) > width / 2:
                lines.append(head)
                line = tail + char
            else:
                lines.append(line)
                line = char.lstrip()
        lines.append(line)
    return lines


def _columns(doc: Printable, width: float) -> list[float]:
    """The x offset of each column from the left margin."""
    weights = list(doc.widths) if len(doc.widths) == len(doc.headers) else [1.0] * len(doc.headers)
    total = sum(weights)
    offsets, at = [], 0.0
    for weight in weights:
        offsets.append(at)
        at += width * weight / total
    return [*offsets, width]


def render(doc: Printable) -> bytes:
    """The document as PDF bytes (A4, as many pages as the table needs; totals, signatures and
    stamp on the last page). Safe to call from several threads: one document is drawn at a time."""
    return render_all((doc,))


def render_all(docs: Sequence[Printable], title: str | None = None) -> bytes:
    """Several documents as one PDF to print at once (a month's payslips, a day's batch): each
    starts on a new page and is drawn exactly as `render` draws it alone; `title` names the file
    (default: the first document's title and number)."""
    if not docs:
        raise ValueError("render_all: no document to print")
    with _DRAWING:
        font = _font()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=11)
        canvas.setTitle(title or f"{docs[0].title} {docs[0].number}")
        for doc in docs:
            _draw(canvas, doc, font)
        canvas.save()
        return buffer.getvalue()


def _draw(canvas: Canvas, doc: Printable, font: str) -> None:
    width, height = float(A4[0]), float(A4[1])
    inner = width - 2 * MARGIN
    pages = [1]

    def header() -> float:
        canvas.setFont(font, 18)
        canvas.drawCentredString(width / 2, height - MARGIN - 10, doc.title)
        canvas.setFont(font, 11)
        canvas.drawRightString(width - MARGIN, height - MARGIN - 30, f"編號 No. {doc.number}")
        if pages[0] > 1:
            canvas.setFont(font, 9)
            canvas.drawString(MARGIN, height - MARGIN - 30, f"第 {pages[0]} 頁 Page {pages[0]}")
        return height - MARGIN - 56

    def new_page() -> float:
        canvas.showPage()
        pages[0] += 1
        return header()

    y = header()
    canvas.setFont(font, 11)
    for label, value in doc.fields:
        wrapped = _wrap(value, inner - LABEL_WIDTH, 11)
        if y - (len(wrapped) - 1) * LINE < MARGIN + 2 * LINE:
            y = new_page()
            canvas.setFont(font, 11)
        canvas.drawString(MARGIN, y, f"{label}:")
        for part in wrapped:
            canvas.drawString(MARGIN + LABEL_WIDTH, y, part)
            y -= LINE
    if doc.headers:
        y -= LINE / 2
        cols = _columns(doc, inner)

        def table_header(at: float) -> float:
            canvas.setFont(font, 10)
            for i, head in enumerate(doc.headers):
                canvas.drawString(MARGIN + cols[i], at, _fit(head, cols[i + 1] - cols[i] - 4, 10))
            canvas.line(MARGIN, at - 4, width - MARGIN, at - 4)
            return at - LINE

        y = table_header(y)
        for row in doc.rows:
            cells = [
                _wrap(cell, cols[i + 1] - cols[i] - 4, 10) for i, cell in enumerate(row[: len(doc.headers)])
            ]
            tall = max((len(c) for c in cells), default=1)
            if y - (tall - 1) * LINE < MARGIN + 3 * LINE:
                y = table_header(new_page())
            canvas.setFont(font, 10)
            for i, parts in enumerate(cells):
                for n, part in enumerate(parts):
                    canvas.drawString(MARGIN + cols[i], y - n * LINE, part)
            y -= tall * LINE
        canvas.line(MARGIN, y + LINE - 4, width - MARGIN, y + LINE - 4)
    ending = (
        len(doc.totals) * LINE
        + (SIGNATURE_BLOCK + LINE if doc.signatures else 0)
        + (2 * STAMP_RADIUS if doc.stamp else 0)
        + LINE
    )
    if y - ending < MARGIN + LINE:
        y = new_page()
    if doc.totals:
        y -= LINE / 2
        canvas.setFont(font, 11)
        for label, value in doc.totals:
            canvas.drawRightString(width - MARGIN - 150, y, f"{label}:")
            canvas.drawRightString(width - MARGIN, y, value)
            y -= LINE
    if doc.signatures:
        y -= LINE
        _signatures(canvas, doc.signatures, y, inner)
        y -= SIGNATURE_BLOCK
    if doc.footer:
        canvas.setFont(font, 9)
        canvas.drawString(MARGIN, MARGIN, _fit(doc.footer, inner, 9))
    if doc.stamp:
        # under the signature lines, right-hand side, as the keeper seals the note (FUL-6)
        _stamp(canvas, doc.stamp, width - MARGIN - 70, max(y - STAMP_RADIUS, MARGIN + STAMP_RADIUS + LINE))
    canvas.showPage()


def _signatures(canvas: Canvas, signatures: Sequence[tuple[str, str]], y: float, inner: float) -> None:
    """The form's signature lines side by side: the role, a line to sign on, the printed name."""
    slot = inner / len(signatures)
    canvas.setFont(_font(), 10)
    for i, (label, name) in enumerate(signatures):
        x = MARGIN + i * slot
        canvas.drawString(x, y, f"{label}:")
        canvas.line(x, y - 22, x + slot - 14, y - 22)
        if name:
            canvas.setFont(_font(), 9)
            canvas.drawString(x + 2, y - 18, _fit(name, slot - 18, 9))
            canvas.setFont(_font(), 10)
        canvas.setFont(_font(), 8)
        canvas.drawString(x, y - 34, "簽名 Signature / 日期 Date")
        canvas.setFont(_font(), 10)


def _stamp(canvas: Canvas, text: str, x: float, y: float) -> None:
    """A red round seal with the stamp's text across it."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.8, 0.05, 0.05)
    canvas.setFillColorRGB(0.8, 0.05, 0.05)
    canvas.setLineWidth(2.5)
    canvas.circle(x, y, STAMP_RADIUS, stroke=1, fill=0)
    canvas.setFont(_font(), 15)
    canvas.drawCentredString(x, y - 5, text)
    canvas.restoreState()
