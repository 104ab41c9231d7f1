"""RSS and Atom feeds: each linked article fetched and loaded like any page, politely and within a cap.

A URL whose answer is a feed (by content type, or an ``<rss>``, ``<feed>`` or
``<rdf:RDF>`` root) is read with feedparser. Its entries are taken newest
first, those older than ``since`` are left out, and at most ``cap`` of them are
fetched, ``delay`` seconds apart. Each page goes through the HTML loader, so
the stored article is the page's main text; the feed's own title, link and
date fill in what the page does not say, and the feed's title names the
outlet when the page names none. An entry with no link but with full content
is loaded from that content. What fails is skipped with one line, as a bad
file in a folder is, and deduplication by content is the ingest's, as always.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import LoadError
from .article import Article

_ROOT = re.compile(r"\A(?:\ufeff)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


@dataclass(frozen=True)
class FeedOptions:
    """How much of a feed one ingest takes: at most ``cap`` entries, none older than ``since``."""

    cap: int = 50
    since: date | None = None
    delay: float = 1.0


def is_feed(text: str, content_type: str) -> bool:
    kind = content_type.lower()
    if "rss" in kind or "atom" in kind:
        return True
    return ("xml" in kind or not kind or "text/plain" in kind) and _ROOT.match(text[:4096]) is not None


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def load_feed(
    text: str, url: str, options: FeedOptions, fetch: Callable[[str], Article],
    from_html: Callable[[str, str], Article], on_entry: Callable[[int, int, str], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> tuple[list[Article], list[LoadError]]:
    """The articles a feed links to (fetched with ``fetch``), and the entries that could not be loaded.

    ``from_html(html, source)`` loads an entry that carries its content instead of a link.
    """
    import feedparser

    parsed = feedparser.parse(text)
    if parsed.bozo and not parsed.entries:
        raise LoadError(url, f"not a readable RSS or Atom feed ({parsed.get('bozo_exception', 'malformed XML')})")
    outlet = str(parsed.feed.get("title") or "")
    entries = list(parsed.entries)
    dated = sorted(entries, key=lambda e: _entry_date(e) or date.min, reverse=True)
    if options.since is not None:
        dated = [e for e in dated if (_entry_date(e) or options.since) >= options.since]
    chosen = dated[: options.cap]
    articles: list[Article] = []
    failures: list[LoadError] = []
    for index, entry in enumerate(chosen):
        link = str(entry.get("link") or "")
        where = link or f"{url} (entry {index + 1})"
        if on_entry is not None:
            on_entry(index + 1, len(chosen), where)
        if index and options.delay > 0 and link:
            (sleep or time.sleep)(options.delay)
        try:
            article = fetch(link) if link else _from_content(entry, where, from_html)
        except LoadError as exc:
            failures.append(exc)
            continue
        published = _entry_date(entry)
        articles.append(article.model_copy(update={
            "title": article.title if article.title and article.title != where else str(entry.get("title") or ""),
            "outlet": article.outlet or outlet,
            "url": article.url or link,
            "published": article.published or (published.isoformat() if published else None),
        }))
    return articles, failures


def _from_content(entry: Any, where: str, from_html: Callable[[str, str], Article]) -> Article:
    content = entry.get("content") or []
    html = content[0].get("value") if content else None
    if not html:
        raise LoadError(where, "the feed entry has neither a link nor content")
    return from_html(f"<html><body><article>{html}</article></body></html>", where)
