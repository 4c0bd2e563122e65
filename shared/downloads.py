"""Download names in Russian: «База наставников СОШ № 1 01.12.2026.xlsx», sent per RFC 6266 with `filename*`
(RFC 5987, UTF-8) and an ASCII `filename` for the rare client that reads only that. Every download route uses it."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote

# ГОСТ Р 52535.1-2006 (the transliteration of passports), enough for a readable fallback name.
_LATIN = {
    **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziiklmnoprstufye", strict=True)),
    **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ь": "", "ю": "iu", "я": "ia"},
}
# What no file system takes in a name (Windows' list), and control characters.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def download_name(*parts: str | date | None, extension: str) -> str:
    """A file name from its parts, e.g. ("База наставников", "СОШ № 1", today) → «База наставников СОШ № 1
    01.12.2026.xlsx»: dates дд.мм.гггг, characters file systems refuse dropped, spaces collapsed."""
    words = []
    for part in parts:
        if part is None or part == "":
            continue
        text = f"{part:%d.%m.%Y}" if isinstance(part, date) else str(part)
        words.append(text)
    stem = " ".join(_FORBIDDEN.sub(" ", " ".join(words)).split()).strip(" .") or "файл"
    return f"{stem[:150]}.{extension.lstrip('.')}"


def ascii_name(filename: str) -> str:
    """The fallback: Cyrillic transliterated, anything else outside printable ASCII replaced by «_»."""
    out = []
    for char in unicodedata.normalize("NFC", filename):
        lower = char.lower()
        if lower in _LATIN:
            latin = _LATIN[lower]
            out.append(latin.capitalize() if char != lower else latin)
        elif char == "№":
            out.append("N")
        elif 32 <= ord(char) < 127 and char not in '"\\;%':
            out.append(char)
        else:
            out.append("_")
    return re.sub(r"_+", "_", "".join(out)).strip() or "file"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment` saves the file, `inline` opens it in the browser (a scan)."""
    return f"{disposition}; filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_headers(filename: str, disposition: str = "attachment") -> dict[str, str]:
    """The headers of a download that holds personal data: its name, and no copy kept by a cache."""
    return {"Content-Disposition": content_disposition(filename, disposition), "Cache-Control": "no-store"}
