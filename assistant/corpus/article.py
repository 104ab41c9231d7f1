"""The article: the unit of ingest, identified by a hash of its text."""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, ConfigDict, Field

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: The line that starts each page of a PDF's stored text (corpus/pdf.py).
_PAGE = re.compile(r"^\[page (\d+)\]$", re.M)
# Invisible characters that split words and numbers ("7\u200b000") without showing: zero-width space, word
# joiner, BOM, soft hyphen, Mongolian vowel separator, and control characters other than tab and newline.
# Joiners (U+200C/D) and direction marks stay: Persian, Indic and right-to-left text need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e\x00-\x08\x0e-\x1f\x7f-\x9f]")


def normalize_text(text: str) -> str:
    """The canonical form stored and hashed: Unix newlines, no invisible characters, trailing spaces or edge blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def article_id(text: str) -> str:
    """Content-derived id: the same text always gets the same id, whatever its file name."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def normalize_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a metadata value, or None when it is not one."""
    if value is None:
        return None
    match = _DATE.match(str(value).strip())
    return match.group(0) if match else None


class Article(BaseModel):
    """One article's text and metadata, exactly as stored; quotes are checked against ``text``."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str = Field(min_length=1)
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str | None = None
    source: str = ""
    fictional: bool = False

    def page_at(self, offset: int) -> int | None:
        """The PDF page that ``text[offset]`` is on; None for an article that is not a PDF."""
        if not self.source.lower().endswith(".pdf"):
            return None
        page = None
        for marker in _PAGE.finditer(self.text):
            if marker.start() > offset:
                break
            page = int(marker.group(1))
        return page

    @classmethod
    def create(cls, text: str, **meta: object) -> Article:
        clean = normalize_text(text)
        return cls(id=article_id(clean), text=clean, **meta)  # type: ignore[arg-type]
