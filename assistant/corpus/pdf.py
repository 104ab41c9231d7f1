"""PDF documents: the text layer, page by page, with each page's number kept in the stored text.

pypdf reads the text layer. Its lines are the page's layout lines, so they are
joined back into running text (a word hyphenated across a line break is
rejoined) and the sentence splitter finds the sentences. Each page starts
with a line ``[page N]``, so a citation's page is known from its offset
(:meth:`assistant.article.Article.page_at`) with no extra column in the store.
A PDF without a text layer (a scan) is refused with what to do, as are
encrypted and damaged files.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..errors import LoadError

_HYPHENATED = re.compile(r"(?<=[a-z])-\s*\n\s*(?=[a-z])")
_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")


def page_text(raw: str) -> str:
    """A page's layout lines as running text."""
    joined = _HYPHENATED.sub("", raw)
    return " ".join(line.strip() for line in joined.splitlines() if line.strip())


def read_pdf(data: bytes, source: str) -> tuple[str, dict[str, object]]:
    """The document's text with ``[page N]`` lines, and its metadata (title, published)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(source, "the PDF is encrypted with a password: decrypt it first "
                                    "(e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf)")
        pages = [page_text(page.extract_text() or "") for page in reader.pages]
        info: dict[str, object] = dict(reader.metadata or {})
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise LoadError(source, f"damaged PDF, cannot be read ({detail})") from None
    if not pages:
        raise LoadError(source, "damaged PDF, cannot be read (no pages)")
    if not any(pages):
        raise LoadError(source, f"the PDF has no text layer ({len(pages)} page(s) of images, a scan?): "
                                "run OCR first (e.g. ocrmypdf in.pdf out.pdf)")
    text = "\n\n".join(f"[page {number}]\n{body}" for number, body in enumerate(pages, start=1) if body)
    meta: dict[str, object] = {"title": str(info.get("/Title") or "").strip() or Path(source).stem}
    if (created := _DATE.match(str(info.get("/CreationDate") or ""))) is not None:
        meta["published"] = "-".join(created.groups())
    return text, meta
