"""Screens in Chinese (issue 18 part 3): gettext catalogues `locale/<lang>/LC_MESSAGES/messages.po`
(Simplified Chinese, `zh_CN`, by default; English, `en`, second), compiled in memory at start-up
with Babel. The source strings are English; the seeds' own terms (發貨專用章, 出庫單, 退貨單) are
the Chinese catalogue's.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: dict[str, str] = {"zh_CN": "中文", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def load_catalogues(directory: Path = LOCALE_DIR) -> dict[str, Translations]:
    """Every language's catalogue, compiled from its `.po`; a missing one is an error naming it."""
    out: dict[str, Translations] = {}
    for lang in LANGUAGES:
        po = directory / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            raise FileNotFoundError(f"the {lang} catalogue {po} is missing")
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        out[lang] = Translations(fp=buffer)
    return out
