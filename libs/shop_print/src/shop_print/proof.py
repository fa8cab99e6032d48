"""Proof that a rendered PDF reads and looks as typed, for the tests of every printed form.

Pages are opened with PDFium (pypdfium2, the engine of Chrome's viewer, a development dependency),
so a test sees what a reader sees: `page_texts` is each page's text layer as extracted, and `inked`
the share of dark pixels inside the boxes of a string's characters on the rendered page. A font
that is only named, not embedded, extracts as typed yet draws blank or other glyphs: only the ink
proves the characters are drawn (the rendering rules of issue 15: embedded CJK font).
"""

from __future__ import annotations

from typing import Any

SCALE = 2.0
DARK = 160
"""Grey levels below this (0 black .. 255 white) count as ink."""


def _pdfium() -> Any:
    import pypdfium2  # type: ignore[import-untyped,unused-ignore]  # a development dependency

    return pypdfium2


def page_texts(content: bytes) -> list[str]:
    """Each page's text as PDFium extracts it (the content must be a PDF)."""
    if not content.startswith(b"%PDF-"):
        raise AssertionError(f"not a PDF: {content[:16]!r}")
    doc = _pdfium().PdfDocument(content)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def pdf_text(content: bytes) -> str:
    """The whole document's text, page after page."""
    return "\n".join(page_texts(content))


def inked(content: bytes, needle: str, page_no: int = 0, scale: float = SCALE) -> float:
    """The share of dark pixels in the boxes of the characters of `needle` on page `page_no`
    (0 when the needle is not on the page's text layer)."""
    page = _pdfium().PdfDocument(content)[page_no]
    textpage = page.get_textpage()
    found = textpage.search(needle).get_next()
    if found is None:
        return 0.0
    start, count = found
    image = page.render(scale=scale).to_pil().convert("L")
    height = page.get_height()
    dark = total = 0
    for index in range(start, start + count):
        left, bottom, right, top = textpage.get_charbox(index)
        box = (
            int(left * scale),
            int((height - top) * scale),
            int(right * scale),
            int((height - bottom) * scale),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            continue  # a space
        histogram = image.crop(box).histogram()
        dark += sum(histogram[:DARK])
        total += sum(histogram)
    return dark / total if total else 0.0
