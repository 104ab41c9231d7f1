"""The article: the unit of ingest, identified by a hash of its text."""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, ConfigDict, Field

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def normalize_text(text: str) -> str:
    """The canonical form stored and hashed: Unix newlines, no trailing spaces, no edge blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
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

    @classmethod
    def create(cls, text: str, **meta: object) -> Article:
        clean = normalize_text(text)
        return cls(id=article_id(clean), text=clean, **meta)  # type: ignore[arg-type]
