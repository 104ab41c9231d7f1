"""Find a quote verbatim in a stored article, tolerating only typography a model may alter.

A small model may write "U. S." for "U.S.", straight quotes for curly ones or
collapse line breaks. We match on a normalised form but always return offsets
into the original text, and the citation shows the original slice: what the
user reads is exactly what the source says.
"""

from __future__ import annotations

import re

# Quote marks are dropped, not unified: models often drop or re-nest them ("the "ISIS" group").
_QUOTES = str.maketrans({"“": None, "”": None, "„": None, "‘": None, "’": None, '"': None, "'": None,
                         "–": "-", "—": "-"})
_MIN_QUOTE = 12
_CLOSING = "\"”’'"


def _normal(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace removed and quotes unified, and each kept char's original index."""
    chars: list[str] = []
    index: list[int] = []
    for i, original in enumerate(text):
        ch = original.translate(_QUOTES)
        if not ch or ch.isspace():
            continue
        chars.append(ch.lower())
        index.append(i)
    return "".join(chars), index


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Offsets of ``quote`` in ``text``, or None when the source does not say it."""
    quote = quote.strip()
    if len(quote) < _MIN_QUOTE:
        return None
    found = text.find(quote)
    if found >= 0:
        return found, found + len(quote)
    norm_text, index = _normal(text)
    norm_quote, _ = _normal(quote)
    # Try the quote as given, then without the quote marks and final punctuation a model may add or drop.
    for candidate in (norm_quote, re.sub(r"[.,;:]+$", "", norm_quote)):
        if len(candidate) < _MIN_QUOTE:
            return None
        at = norm_text.find(candidate)
        if at >= 0:
            start, end = index[at], index[at + len(candidate) - 1] + 1
            # Take in the closing quote marks the normal form dropped, so the citation reads whole.
            while end < len(text) and text[end] in _CLOSING and text[end - 1] not in " \n":
                end += 1
            return start, end
    return None
