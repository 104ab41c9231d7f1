"""Turn files, folders and URLs into articles.

Each loader raises :class:`LoadError` with a one-line reason; a folder walk
collects those as skips so one bad file does not stop the others.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .article import Article, normalize_date, normalize_text
from .errors import LoadError, UserInputError

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
MAX_BYTES = 20 * 1024 * 1024
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_META_KEYS = {"title", "outlet", "url", "published", "date", "fictional"}


@dataclass
class Loaded:
    """What a load produced: articles, and per-item failures (source, reason)."""

    articles: list[Article] = field(default_factory=list)
    failures: list[LoadError] = field(default_factory=list)


def decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (BOM allowed) or BOM-marked UTF-16; anything else is refused."""
    if not data.strip():
        raise LoadError(source, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(source, f"invalid UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise LoadError(source, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(source, f"not UTF-8 text (bad byte at offset {exc.start})") from None


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

    extracted = trafilatura.extract(
        html, output_format="json", with_metadata=True, include_comments=False, url=url or None
    )
    if not extracted:
        raise LoadError(source, "no article text found in the HTML")
    data = json.loads(extracted)
    raw = {
        "title": data.get("title") or Path(source).stem,
        "outlet": data.get("sitename") or data.get("hostname") or "",
        "url": url or data.get("source") or "",
        "published": data.get("date"),
    }
    return _article(data.get("text") or "", _meta(raw, source), source)


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
        try:
            loaded.articles.append(_article(body, _meta(record, where), where))
        except LoadError as exc:
            loaded.failures.append(exc)
    if not loaded.articles and not loaded.failures:
        loaded.failures.append(LoadError(source, "no articles in the file"))
    return loaded


def load_file(path: Path) -> Loaded:
    """Load one file by its suffix; failures are returned, not raised."""
    source = str(path)
    try:
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            raise LoadError(source, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html or .jsonl")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LoadError(source, f"file is {size // 1_048_576} MB; the limit is {MAX_BYTES // 1_048_576} MB")
        text = decode(path.read_bytes(), source)
        if suffix == ".jsonl":
            return load_jsonl(text, source)
        if suffix in {".html", ".htm"}:
            return Loaded(articles=[load_html(text, source)])
        return Loaded(articles=[load_text(text, source, markdown=suffix in {".md", ".markdown"})])
    except LoadError as exc:
        return Loaded(failures=[exc])
    except OSError as exc:
        return Loaded(failures=[LoadError(source, exc.strerror or str(exc))])


def walk(folder: Path) -> Iterator[Path]:
    """Supported files below a folder, in a stable order; hidden entries and symlink loops are skipped."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
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
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                yield Path(root) / name


def load_url(url: str, timeout: float = 20.0) -> Article:
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise LoadError(url, f"could not fetch ({exc.__class__.__name__}: {exc})") from None
    content_type = response.headers.get("content-type", "")
    if "html" in content_type or not content_type:
        return load_html(response.text, url, url=url)
    return load_text(response.text, url, markdown=False)


def load(target: str) -> Loaded:
    """Articles from one command-line target: a URL, a file or a folder."""
    if target.startswith(("http://", "https://")):
        try:
            return Loaded(articles=[load_url(target)])
        except LoadError as exc:
            return Loaded(failures=[exc])
    path = Path(target).expanduser()
    if not path.exists():
        raise UserInputError(f"{target}: no such file or folder")
    if path.is_dir():
        loaded = Loaded()
        for file in walk(path):
            part = load_file(file)
            loaded.articles.extend(part.articles)
            loaded.failures.extend(part.failures)
        return loaded
    return load_file(path)
