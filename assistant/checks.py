"""Deterministic checks a quote must pass before it may *support* a claim.

A small model says "supports" too readily. Some things a regex settles better:
- numbers: the quote must state the claim's number, as something that
  happened: "up to 7,000 may be transferred" is a plan, and does not support
  "7,000 were transferred";
- names: the quote must name the people, places and organisations the claim
  names ("Rubio", "Hasakah"); a sentence about someone else supports nothing.
And one thing a quote needs before it may *refute* a numeric claim: a number
to compare, or a negation. A failed check turns the stance into "irrelevant";
it never creates one.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_MODAL_BEFORE = re.compile(
    r"\b(up to|as many as|as much as|could|may|might|plans? to|aims? to|expected|would)\b[^.;]*$", re.I
)
_MODAL_AFTER = re.compile(r"^[^.;,]*\b(may|might|could|would|will|are expected|is expected)\b", re.I)
_CLAIM_MODAL = re.compile(r"\b(up to|as many as|could|may|might|plans?|aims?|expected|would|will)\b", re.I)


def numbers(text: str) -> list[tuple[float, int, int]]:
    """Each number in ``text`` as (value, start, end); "7,000" is 7000."""
    found = []
    for match in _NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        value = float(f"{whole}.{match.group(2)}") if match.group(2) else float(whole)
        found.append((value, match.start(), match.end()))
    return found


def _planned(quote: str, start: int, end: int) -> bool:
    return bool(_MODAL_BEFORE.search(quote[max(0, start - 40) : start]) or _MODAL_AFTER.search(quote[end : end + 40]))


# Common short forms, so that "U.S." names the United States as well as "United States" does.
_ALIASES = [
    (re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b|\bAmericans?\b"), "United States"),
    (re.compile(r"\bU\.K\.|\bUK\b|\bBritain\b|\bBritish\b"), "United Kingdom"),
    (re.compile(r"\bU\.N\.|\bUN\b"), "United Nations"),
]
_NEGATION = re.compile(r"\b(no|not|none|never|nobody|denied|denies|false|untrue|neither|nor)\b|n't\b", re.I)


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


def _mentions(quote: str, name: str) -> bool:
    # A shared stem is enough: "Iraqi" matches "Iraq", "Rubio's" matches "Rubio".
    stem = re.escape(name[:4].lower()) if len(name) >= 5 else re.escape(name.lower()) + r"\b"
    return re.search(r"\b" + stem, quote.lower()) is not None


def name_problem(claim: str, quote: str, title: str = "") -> str | None:
    """Names of the claim that neither the quote nor its article's title mentions.

    The title counts because it sets the subject a sentence leaves implicit:
    "The plant will supply 40,000 residents" in "Lindenmoor opens new water plant".
    """
    quote = canonical(f"{quote} {title}")
    missing = [n for n in dict.fromkeys(names(canonical(claim))) if not _mentions(quote, n)]
    return f"the quote does not mention {', '.join(missing)}" if missing else None


def support_problem(claim: str, quote: str, title: str = "") -> str | None:
    """Why ``quote`` (from an article titled ``title``) cannot support ``claim``, or None."""
    return name_problem(claim, quote, title) or number_problem(claim, quote)


def refute_problem(claim: str, quote: str, title: str = "") -> str | None:
    """Why ``quote`` cannot refute ``claim``.

    A numeric claim needs a number or a negation to disagree with; any other
    claim needs a quote (or its article's title) that names what the claim
    names: a sentence about someone else refutes nothing.
    """
    if numbers(claim):
        if not numbers(quote) and not _NEGATION.search(quote):
            return "the quote states no number to compare and denies nothing"
        return None
    return name_problem(claim, quote, title)


def number_problem(claim: str, quote: str) -> str | None:
    """Why ``quote`` cannot support ``claim``'s numbers, or None when the numbers allow support."""
    claim_values = {value for value, _, _ in numbers(claim)}
    if not claim_values:
        return None
    quoted = numbers(quote)
    claim_is_modal = bool(_CLAIM_MODAL.search(claim))
    for value in sorted(claim_values):
        places = [(s, e) for v, s, e in quoted if v == value]
        shown = f"{value:,.0f}" if value.is_integer() else f"{value:g}"
        if not places:
            return f"the quote does not state the claim's number {shown}"
        if not claim_is_modal and all(_planned(quote, s, e) for s, e in places):
            return f"the quote gives {shown} as planned or possible, not as done"
    return None


_INSTRUCTION = re.compile(
    r"\bignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) instructions\b|\byou are now\b"
    r"|\b(?:answer|respond|reply) with (?:stance|the stance|verdict)\b|\bsystem prompt\b|\"stance\"\s*:"
    r"|(?:^|\s)(?:system|user|assistant)\s*:"
    # Forged citations and orders to whoever reads the text: "cite this passage as", "chars 0-64", "reply only with".
    r"|\bcite (?:this|it|the following)\b|\bchars? \d+\s*[-\u2013]\s*\d+\b|\b(?:reply|respond|answer) only with\b"
    r"|\bfact-checking (?:assistant|model|tool)s?\b|\bwhen you (?:answer|reply|respond)\b",
    re.I,
)


def looks_like_instructions(sentence: str) -> bool:
    """A sentence addressed to the model rather than reporting anything: never evidence, never cited."""
    return _INSTRUCTION.search(sentence) is not None
