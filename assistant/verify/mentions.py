"""What a text mentions, parsed one way for claims, quotes and answers: its numbers (the value, what it counts,
whether it is a plan or a ceiling), its names (capitalised words, with common short forms made canonical) and its
content words as crude stems.

The rules that compare a claim with a quote on these (``vetoes``) and the claim extractor's grounding use them.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
# "may" only in lowercase: "on May 14" is a date, not a possibility.
_MODAL_BEFORE = re.compile(
    r"\b(up to|as many as|as much as|could|(?-i:may)|might|plans? to|aims? to|expected|would)\b[^.;]*$", re.I
)
_MODAL_AFTER = re.compile(r"^[^.;,]*\b((?-i:may)|might|could|would|will|are expected|is expected)\b", re.I)


def numbers(text: str) -> list[tuple[float, int, int]]:
    """Each number in ``text`` as (value, start, end); "7,000" is 7000."""
    found = []
    for match in _NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        value = float(f"{whole}.{match.group(2)}") if match.group(2) else float(whole)
        found.append((value, match.start(), match.end()))
    return found


def planned_at(quote: str, start: int, end: int) -> bool:
    return bool(_MODAL_BEFORE.search(quote[max(0, start - 40) : start]) or _MODAL_AFTER.search(quote[end : end + 40]))


# Common short forms, so that "U.S." names the United States as well as "United States" does.
_ALIASES = [
    (re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b|\bAmericans?\b"), "United States"),
    (re.compile(r"\bU\.K\.|\bUK\b|\bBritain\b|\bBritish\b"), "United Kingdom"),
    (re.compile(r"\bU\.N\.|\bUN\b"), "United Nations"),
]


def canonical(text: str) -> str:
    for pattern, name in _ALIASES:
        text = pattern.sub(name, text)
    return text


_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\.[A-Z]\.?)*")
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "By", "Of", "And", "But", "It", "He", "She", "They", "This", "That"}


def names(text: str) -> list[str]:
    """Capitalised words after the first word: the people, places and bodies a claim is about."""
    found = []
    for match in _NAME.finditer(text):
        word = match.group(0).rstrip(".")
        if match.start() == 0 or word in _NOT_NAMES or len(word) < 3 or word.isdigit():
            continue
        found.append(word)
    return found


def mentions(quote: str, name: str) -> bool:
    # A shared stem is enough: "Iraqi" matches "Iraq", "Rubio's" matches "Rubio".
    prefix = re.escape(name[:4].lower()) if len(name) >= 5 else re.escape(name.lower()) + r"\b"
    return re.search(r"\b" + prefix, quote.lower()) is not None


WORD = re.compile(r"[^\W\d_][\w'’-]*|%")
DATE_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "spring", "summer", "autumn", "fall", "winter",
}
STOPWORDS = {
    "a", "about", "after", "against", "all", "almost", "also", "an", "and", "any", "are", "around", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "during", "each", "for", "from",
    "had", "has", "have", "he", "her", "his", "how", "if", "in", "into", "is", "it", "its", "least", "less", "may",
    "might", "more", "most", "much", "nearly", "of", "on", "once", "one", "or", "other", "our", "out", "over",
    "per", "roughly", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "to", "under", "until", "up", "was", "we", "were",
    "what", "when", "which", "while", "who", "will", "with", "would", "yet",
}


def stem(word: str) -> str:
    """A crude stem: lowercase, no possessive or plural "s", five letters ("detainees" ~ "detained")."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    if word == "%":
        return "perce"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:5]


def content_stems(text: str) -> set[str]:
    """The stems of a text's words that carry meaning (no stopwords, no numbers)."""
    return {stem(w) for w in WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1}


def counted_at(text: str, value: float, start: int, end: int) -> set[str]:
    """What a number counts: ``{"date"}`` for years and days of a month, else the words right after it."""
    before = WORD.findall(text[max(0, start - 20) : start])[-1:]
    clause = re.split(r"[,;:()]|\.(?!\d)", text[end : end + 60], maxsplit=1)[0]
    after = [w for w in WORD.findall(clause)[:4] if w.lower() not in STOPWORDS][:2]
    year = value.is_integer() and 1800 <= value <= 2100 and "," not in text[start:end]
    if year or any(w.lower() in DATE_WORDS for w in before + after[:1]):
        return {"date"}
    return {stem(w) for w in after} or {"count"}


_POSSIBLE = re.compile(r"\b(up to|as many as|as much as|could|(?-i:may)|might|plans? to|aims? to|expected)\b", re.I)


def possible_at(text: str, start: int, end: int) -> bool:
    """Whether the number at ``start:end`` is a ceiling or a possibility ("up to 7,000 may"), not a count."""
    return _POSSIBLE.search(text[max(0, start - 40) : end + 40]) is not None
