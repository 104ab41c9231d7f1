"""Turn files, folders and URLs into articles.

Each loader raises :class:`LoadError` with a one-line reason; a folder walk
collects those as skips so one bad file does not stop the others.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..errors import LoadError, UserInputError
from .article import Article, normalize_date, normalize_text
from .feeds import FeedOptions, is_feed, load_feed
from .pdf import read_pdf

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".pdf"}
READS = ".txt, .md, .html, .jsonl, .pdf"
MB = 1024 * 1024
MAX_BYTES = 20 * MB  # the default of FACTDESK_MAX_FILE_MB
# Formats people drop into a folder of articles by mistake, named so the skip says what the file is.
_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a zip archive or an Office document", b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf": "a 7z archive",
    b"\x7fELF": "an executable", b"SQLite format 3\x00": "an SQLite database",
}
_META_TEXT = ("title", "outlet", "url", "published", "date")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_META_KEYS = {"title", "outlet", "url", "published", "date", "fictional"}


@dataclass
class Loaded:
    """What a load produced: articles, and per-item failures (source, reason)."""

    articles: list[Article] = field(default_factory=list)
    failures: list[LoadError] = field(default_factory=list)
    #: The failures are entries of a feed that did load: skipped, as bad files inside a folder are.
    skips: bool = False


def decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (BOM allowed) or BOM-marked UTF-16; anything else is refused."""
    if not data.strip():
        raise LoadError(source, "file is empty")
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            raise LoadError(source, f"binary file ({kind}), not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(source, f"invalid UTF-16 text ({exc.reason})") from None
    if b"\x00" in data:
        raise LoadError(source, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Latin-1 and other 8-bit encodings are refused, not guessed: any bytes decode as Latin-1, so a guess
        # would store binary junk as an article and change words without a trace.
        raise LoadError(
            source,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8",
        ) from None


def _meta(raw: dict[str, object], source: str) -> dict[str, object]:
    published = raw.get("published", raw.get("date"))
    fictional = raw.get("fictional", False)
    return {
        "title": str(raw.get("title") or ""),
        "outlet": str(raw.get("outlet") or ""),
        "url": str(raw.get("url") or ""),
        "published": normalize_date(published),
        "fictional": fictional is True or str(fictional).lower() in {"true", "yes", "1"},
        "source": source,
    }


def _article(text: str, meta: dict[str, object], source: str) -> Article:
    if not normalize_text(text):
        raise LoadError(source, "no text (empty or whitespace only)")
    return Article.create(text, **meta)


def _split_front_matter(text: str) -> tuple[dict[str, object], str]:
    text = text.replace("\r\n", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, object] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in _META_KEYS:
            meta[key.strip().lower()] = value.strip().strip('"')
    return meta, text[match.end() :]


def load_text(text: str, source: str, markdown: bool) -> Article:
    """A .txt or .md article; optional front matter (title, outlet, url, published, fictional)."""
    raw, body = _split_front_matter(text)
    if not raw.get("title"):
        if markdown:
            heading = re.search(r"^#\s+(.+)$", body, re.M)
            raw["title"] = heading.group(1).strip() if heading else Path(source).stem
        else:
            raw["title"] = Path(source).stem
    return _article(body, _meta(raw, source), source)


def load_html(html: str, source: str, url: str = "") -> Article:
    """The main text of a web page, without navigation or boilerplate (trafilatura)."""
    import trafilatura

    # Precision over recall: the fallback extractors return menus and <noscript> notices as if they were articles.
    extracted = trafilatura.extract(
        html, output_format="json", with_metadata=True, include_comments=False, url=url or None,
        favor_precision=True, prune_xpath="//noscript",
    )
    if not extracted:
        raise LoadError(source, "no article text found in the HTML (only scripts, navigation or boilerplate)")
    data = json.loads(extracted)
    raw = {
        "title": data.get("title") or Path(source).stem,
        "outlet": data.get("sitename") or data.get("hostname") or "",
        "url": url or data.get("source") or "",
        "published": data.get("date"),
    }
    return _article(data.get("text") or "", _meta(raw, source), source)


def load_pdf(data: bytes, source: str) -> Article:
    """A PDF's text layer, its pages marked so citations can name them (see ``pdf``)."""
    if not data.startswith(b"%PDF-"):
        raise LoadError(source, "not a PDF (it does not start with %PDF-)")
    text, meta = read_pdf(data, source)
    return _article(text, _meta(meta, source), source)


def load_jsonl(text: str, source: str) -> Loaded:
    """One article per line: {"text": ..., "title", "outlet", "url", "published", "fictional"}."""
    loaded = Loaded()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            loaded.failures.append(LoadError(where, f"invalid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            loaded.failures.append(LoadError(where, "expected a JSON object"))
            continue
        body = record.get("text")
        if not isinstance(body, str):
            loaded.failures.append(LoadError(where, "missing or non-string \"text\" field"))
            continue
        wrong = next((k for k in _META_TEXT if isinstance(record.get(k), (dict, list))), None)
        if wrong:
            kind = type(record[wrong]).__name__
            loaded.failures.append(LoadError(where, f"\"{wrong}\" must be a string, not a {kind}"))
            continue
        try:
            loaded.articles.append(_article(body, _meta(record, where), where))
        except LoadError as exc:
            loaded.failures.append(exc)
    if not loaded.articles and not loaded.failures:
        loaded.failures.append(LoadError(source, "no articles in the file"))
    return loaded


def _read(path: Path, source: str, max_bytes: int) -> bytes:
    """The file's bytes, refused by size before reading, and read no further than the limit."""
    if not path.is_file():
        if path.is_symlink() and not path.exists():
            raise LoadError(source, "a broken or looping symbolic link")
        raise LoadError(source, "not a regular file (a pipe, device or socket)")
    size = path.stat().st_size
    too_big = f"the limit is {max_bytes / MB:g} MB (FACTDESK_MAX_FILE_MB)"
    if size > max_bytes:
        raise LoadError(source, f"file is {size / MB:.1f} MB; {too_big}")
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LoadError(source, f"file grew past the size limit while read; {too_big}")
    return data


def load_file(path: Path, max_bytes: int = MAX_BYTES) -> Loaded:
    """Load one file by its suffix; failures are returned, not raised."""
    source = str(path)
    try:
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            raise LoadError(source, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html, .jsonl, .pdf")
        if suffix == ".pdf":
            return Loaded(articles=[load_pdf(_read(path, source, max_bytes), source)])
        text = decode(_read(path, source, max_bytes), source)
        if suffix == ".jsonl":
            return load_jsonl(text, source)
        if suffix in {".html", ".htm"}:
            return Loaded(articles=[load_html(text, source)])
        return Loaded(articles=[load_text(text, source, markdown=suffix in {".md", ".markdown"})])
    except LoadError as exc:
        return Loaded(failures=[exc])
    except OSError as exc:
        return Loaded(failures=[LoadError(source, f"cannot read ({exc.strerror or exc})")])


def walk(folder: Path, failures: list[LoadError] | None = None) -> Iterator[Path]:
    """Supported files below a folder, in a stable order; hidden entries and symlink loops are skipped.

    Unreadable folders, and files of other types (one line per folder), are added to ``failures``.
    """
    seen: set[tuple[int, int]] = set()

    def unreadable(exc: OSError) -> None:
        if failures is not None:
            failures.append(LoadError(str(exc.filename or folder), f"cannot read the folder ({exc.strerror or exc})"))

    for root, dirs, files in os.walk(folder, followlinks=True, onerror=unreadable):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        visible = sorted(name for name in files if not name.startswith("."))
        others = sorted({Path(name).suffix.lower() or "(none)" for name in visible} - SUFFIXES)
        if others and failures is not None:
            count = sum(Path(name).suffix.lower() not in SUFFIXES for name in visible)
            failures.append(LoadError(
                root, f"{count} file(s) of other types ({', '.join(others)}); factdesk reads {READS}"
            ))
        for name in visible:
            if Path(name).suffix.lower() in SUFFIXES:
                yield Path(root) / name


def fetch(url: str, timeout: float = 20.0, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """The text at ``url`` and its content type; a body larger than ``max_bytes`` is refused as it arrives."""
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            response.raise_for_status()
            body = bytearray()
            for piece in response.iter_bytes():
                body += piece
                if len(body) > max_bytes:
                    raise LoadError(url, f"the page is over {max_bytes / MB:g} MB, the limit (FACTDESK_MAX_FILE_MB)")
            encoding = response.encoding or "utf-8"
            content_type = response.headers.get("content-type", "")
    except httpx.HTTPStatusError as exc:
        raise LoadError(url, f"could not fetch (HTTP {exc.response.status_code})") from None
    except httpx.HTTPError as exc:
        detail = " ".join(str(exc).split())
        raise LoadError(url, f"could not fetch ({exc.__class__.__name__}: {detail})") from None
    return bytes(body).decode(encoding, errors="replace"), content_type


def load_url(url: str, timeout: float = 20.0, max_bytes: int = MAX_BYTES) -> Article:
    """The article at ``url``: a web page's main text, or a plain-text document."""
    text, content_type = fetch(url, timeout, max_bytes)
    return _page(text, content_type, url)


def _page(text: str, content_type: str, url: str) -> Article:
    if "html" in content_type or not content_type:
        return load_html(text, url, url=url)
    return load_text(text, url, markdown=False)


def load(
    target: str, max_bytes: int = MAX_BYTES, feed: FeedOptions | None = None,
    on_entry: Callable[[int, int, str], None] | None = None,
) -> Loaded:
    """Articles from one command-line target: a URL (a page, or a feed's linked pages), a file or a folder."""
    if target.startswith(("http://", "https://")):
        try:
            text, content_type = fetch(target, max_bytes=max_bytes)
            if is_feed(text, content_type):
                articles, failures = load_feed(text, target, feed or FeedOptions(),
                                               lambda link: load_url(link, max_bytes=max_bytes), load_html, on_entry)
                if not articles and not failures:
                    failures = [LoadError(target, "the feed has no entries to ingest (see --since, --max-items)")]
                return Loaded(articles=articles, failures=failures, skips=bool(articles))
            return Loaded(articles=[_page(text, content_type, target)])
        except LoadError as exc:
            return Loaded(failures=[exc])
    path = Path(target).expanduser()
    if not path.exists():
        what = "a broken or looping symbolic link" if path.is_symlink() else "no such file or folder"
        raise UserInputError(f"{target}: {what}")
    if path.is_dir():
        loaded = Loaded()
        for file in walk(path, loaded.failures):
            part = load_file(file, max_bytes)
            loaded.articles.extend(part.articles)
            loaded.failures.extend(part.failures)
        if not loaded.articles and not loaded.failures:
            loaded.failures.append(LoadError(target, f"no files to read (factdesk reads {READS})"))
        return loaded
    return load_file(path, max_bytes)
