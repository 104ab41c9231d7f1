"""Split an article into sentences and sentence-aligned chunks, keeping character offsets.

Offsets index the stored ``Article.text``: ``text[start:end]`` is the chunk,
which is what lets every quote be traced to its exact place in a source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# Words after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "adm", "col", "lt", "capt", "sgt",
    "sen", "rep", "gov", "pres", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "e.g", "i.e",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_NEXT = re.compile(r"\s+(\S)")
# How far back the word before a period is looked for: enough for any abbreviation, and it keeps a line of
# many sentences (a 1 MB text with no line breaks) linear instead of quadratic.
_LOOKBACK = 200
CHUNKER_VERSION = "s1"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    """Whether the punctuation run at ``dot``..``after`` closes a sentence."""
    nxt = _NEXT.match(text, after)
    if not nxt:
        return True
    following = nxt.group(1)
    if text[dot:after] == ".":
        start, floor = dot, max(0, dot - _LOOKBACK)
        while start > floor and (text[start - 1].isalnum() or text[start - 1] in "._"):  # the [\w.]+ before it
            start -= 1
        token = text[start:dot]
        if token.lower() in _ABBREVIATIONS:
            return False
        # Dotted acronyms and initials: "U.S. Secretary", "J. Smith".
        if "." in token or re.fullmatch(r"[A-Z]", token):
            return False
    return not following.islower()


def sentences(text: str) -> list[Span]:
    """Sentence spans: paragraph and line breaks always split; punctuation splits unless it is an abbreviation."""
    spans: list[Span] = []
    for block in re.finditer(r"[^\n]+", text):
        start = block.start()
        line = block.group(0)
        cursor = 0
        for match in _BOUNDARY.finditer(line):
            if not _ends_sentence(line, match.start(), match.end()):
                continue
            spans.append(Span(start + cursor, start + match.end()))
            cursor = match.end()
        spans.append(Span(start + cursor, start + len(line)))
    return [s for s in (_trim(text, s) for s in spans) if s.end > s.start]


def is_sentence(text: str) -> bool:
    """A full sentence rather than a headline or subheading: it ends in closing punctuation."""
    return text.rstrip("\"'”’)").endswith((".", "!", "?", ":"))


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _pieces(text: str, span: Span, limit: int) -> list[Span]:
    """Split an over-long sentence at whitespace so no chunk exceeds ``limit`` by much."""
    out: list[Span] = []
    start = span.start
    while span.end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        out.append(_trim(text, Span(start, cut)))
        start = cut
    out.append(_trim(text, Span(start, span.end)))
    return [s for s in out if s.end > s.start]


def chunk_id(article_id: str, start: int, end: int) -> str:
    """Content-derived: the article id is a hash of its text, so same text, same chunk ids."""
    key = f"{article_id}:{start}:{end}:{CHUNKER_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def chunk(article_id: str, text: str, max_chars: int = 600) -> list[Chunk]:
    """Group consecutive sentences into chunks of at most about ``max_chars`` characters."""
    units: list[Span] = []
    for span in sentences(text):
        units.extend(_pieces(text, span, max_chars) if span.end - span.start > max_chars else [span])
    chunks: list[Chunk] = []
    group: list[Span] = []

    def flush() -> None:
        if group:
            start, end = group[0].start, group[-1].end
            chunks.append(
                Chunk(chunk_id(article_id, start, end), article_id, len(chunks), start, end, text[start:end])
            )
            group.clear()

    for unit in units:
        if group and unit.end - group[0].start > max_chars:
            flush()
        group.append(unit)
    flush()
    return chunks
