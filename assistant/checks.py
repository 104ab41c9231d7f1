"""Deterministic checks a quote must pass before it may *support* a claim.

A small model says "supports" too readily. Some things a regex settles better:
- numbers: the quote must state the claim's number, as something that
  happened: "up to 7,000 may be transferred" is a plan, and does not support
  "7,000 were transferred";
- names: the quote must name the people, places and organisations the claim
  names ("Rubio", "Hasakah"); a sentence about someone else supports nothing.
And what a quote needs before it may *refute* a claim:
- it must not state the claim itself: the same numbers and names, the same
  words (one in eight may be missing), and no denial the claim lacks (a small
  model says "refutes" to its own evidence);
- against a numeric claim, a number of the same kind to compare ("1,500 jobs"
  against "1,200 jobs"; a date against a date about the same event), or a
  denial of the claim's quantity; "3 million euros" says nothing about
  "2,400 tonnes", nor "3 March" about "80 firefighters";
- against a claim of what someone said, the speaker; against any other claim,
  the names the claim names.
A failed check turns the stance into "irrelevant"; it never creates one.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
# "may" only in lowercase: "on May 14" is a date, not a possibility.
_MODAL_BEFORE = re.compile(
    r"\b(up to|as many as|as much as|could|(?-i:may)|might|plans? to|aims? to|expected|would)\b[^.;]*$", re.I
)
_MODAL_AFTER = re.compile(r"^[^.;,]*\b((?-i:may)|might|could|would|will|are expected|is expected)\b", re.I)
_CLAIM_MODAL = re.compile(r"\b(up to|as many as|could|(?-i:may)|might|plans?|aims?|expected|would|will)\b", re.I)


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
_NEGATION = re.compile(
    r"\b(no|not|none|never|nobody|denied|denies|false|untrue|neither|nor|refused|refuses|declined|declines|failed"
    r"|fails|without)\b|n't\b",
    re.I,
)


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


_WORD = re.compile(r"[^\W\d_][\w'’-]*|%")
_DATE_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "spring", "summer", "autumn", "fall", "winter",
}
_SEASONS = {"spring", "summer", "autumn", "fall", "winter"}
_NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "dozen", "half", "third",
    "quarter", "first", "second", "last", "all", "none", "most", "few", "several",
}
_STOPWORDS = {
    "a", "about", "after", "against", "all", "almost", "also", "an", "and", "any", "are", "around", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "during", "each", "for", "from",
    "had", "has", "have", "he", "her", "his", "how", "if", "in", "into", "is", "it", "its", "least", "less", "may",
    "might", "more", "most", "much", "nearly", "of", "on", "once", "one", "or", "other", "our", "out", "over",
    "per", "roughly", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "to", "under", "until", "up", "was", "we", "were",
    "what", "when", "which", "while", "who", "will", "with", "would", "yet",
}
#: Stems of words that give a claim its direction: "reduces" is not stated by a quote that says "induced".
_DIRECTIONS = {
    "incre", "decre", "reduc", "rise", "rose", "risen", "fall", "fell", "falle", "grow", "grew", "shrin", "decli",
    "drop", "raise", "lower", "highe", "more", "less", "fewer", "gain", "lose", "lost", "win", "won", "appro",
    "rejec", "open", "close", "start", "begin", "began", "end", "ended", "induc", "inhib", "suppr", "promo",
    "activ", "block", "enhan", "impro", "worse", "bette", "cut", "add", "added",
}
_ATTRIBUTED = re.compile(r"\b(said|says|told|according to|announced|claimed|claims|stated)\b", re.I)
#: A quote that states a claim may leave out one of its words per this many ("line" for "project").
RESTATED_PER_MISSING = 8


def _stem(word: str) -> str:
    """A crude stem: lowercase, no possessive or plural "s", five letters ("detainees" ~ "detained")."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    if word == "%":
        return "perce"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:5]


def _content(text: str) -> set[str]:
    """The stems of a text's words that carry meaning (no stopwords, no numbers)."""
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOPWORDS and len(w) > 1}


def _kind(text: str, value: float, start: int, end: int) -> set[str]:
    """What a number counts: ``{"date"}`` for years and days of a month, else the words right after it."""
    before = _WORD.findall(text[max(0, start - 20) : start])[-1:]
    clause = re.split(r"[,;:()]|\.(?!\d)", text[end : end + 60], maxsplit=1)[0]
    after = [w for w in _WORD.findall(clause)[:4] if w.lower() not in _STOPWORDS][:2]
    year = value.is_integer() and 1800 <= value <= 2100 and "," not in text[start:end]
    if year or any(w.lower() in _DATE_WORDS for w in before + after[:1]):
        return {"date"}
    return {_stem(w) for w in after} or {"count"}


def _event_words(claim: str) -> set[str]:
    """What a claim says happened, without its names, dates and numbers: "founded", "chief executive"."""
    lowercase = " ".join(w for w in _WORD.findall(claim) if w.islower() and w not in _DATE_WORDS)
    return _content(lowercase)


_POSSIBLE = re.compile(r"\b(up to|as many as|as much as|could|(?-i:may)|might|plans? to|aims? to|expected)\b", re.I)


def _possible(text: str, start: int, end: int) -> bool:
    """Whether the number at ``start:end`` is a ceiling or a possibility ("up to 7,000 may"), not a count."""
    return _POSSIBLE.search(text[max(0, start - 40) : end + 40]) is not None


def _comparable(claim: str, quote: str) -> bool:
    """Whether the quote states a number of the same kind as one of the claim's, so the two can disagree.

    A ceiling or possibility ("up to 7,000 may be moved") and a count ("150
    were moved") are different quantities, unless they are equal.
    """
    quoted = [(value, _kind(quote, value, s, e), _possible(quote, s, e)) for value, s, e in numbers(quote)]
    shared_event = bool(_event_words(claim) & _content(quote))
    for value, start, end in numbers(claim):
        kind, planned = _kind(claim, value, start, end), _possible(claim, start, end)
        for other, other_kind, other_planned in quoted:
            if other == value:
                return True
            if kind & other_kind and planned == other_planned and (kind != {"date"} or shared_event):
                return True
    return False


def restates(claim: str, quote: str, title: str = "") -> bool:
    """Whether ``quote`` states ``claim`` itself: it could support it, and adds no denial, plan or other count.

    Words that decide a claim on their own (a season, "eight", "first", a
    direction such as "reduces" or "closed") must all be there; "will meet"
    does not state "met".
    """
    if support_problem(claim, quote, title) is not None:
        return False
    if _NEGATION.search(quote) and not _NEGATION.search(claim):
        return False
    if not _CLAIM_MODAL.search(claim) and _CLAIM_MODAL.search(quote):
        return False
    said = {w.lower() for w in _WORD.findall(quote)}
    decisive = {w.lower() for w in _WORD.findall(claim)} & (_SEASONS | _NUMBER_WORDS)
    directions = {_stem(w) for w in _WORD.findall(claim)} & _DIRECTIONS
    words = _content(claim)
    stated = _content(f"{quote} {title}")
    # A shorter stem counts when the other begins with it: "Iraq" states "Iraqi".
    missing = [w for w in words if not any(w.startswith(s) or s.startswith(w) for s in stated if len(s) >= 4)
               and w not in stated]
    return (
        decisive <= said
        and directions <= {_stem(w) for w in said}
        and len(missing) <= len(words) // RESTATED_PER_MISSING
    )


def _states_numbers(claim: str, quote: str) -> bool:
    return {v for v, _, _ in numbers(claim)} <= {v for v, _, _ in numbers(quote)}


def refute_problem(claim: str, quote: str, title: str = "") -> str | None:
    """Why ``quote`` (from an article titled ``title``) cannot refute ``claim``, or None (see the module's rules)."""
    if restates(claim, quote, title):
        return "the quote states the claim itself"
    if (problem := name_problem(claim, quote, title)) and not numbers(claim):
        return problem
    if problem and _ATTRIBUTED.search(claim) and not _states_numbers(claim, quote):
        # What someone said is refuted by their own words, or by the same figure in someone else's mouth.
        return problem
    if numbers(claim) and not _comparable(claim, quote) and not _denies(claim, quote):
        return "the quote states no number of the same kind to compare and denies nothing about it"
    return None


def _denies(claim: str, quote: str) -> bool:
    """Whether the quote denies what the claim counts: "no detainees have been moved" against "150 detainees".

    The denial must stand within a few words of the counted thing; "moved from Qamishli, not from Hasakah"
    denies a place, not a number of detainees. A claim that counts nothing named (a date) takes any denial.
    """
    quantity = set().union(*(_kind(claim, v, s, e) for v, s, e in numbers(claim))) - {"date", "count"}
    if not quantity:
        return _NEGATION.search(quote) is not None
    words = _WORD.findall(quote)
    stems = [_stem(w) for w in words]
    return any(
        (_NEGATION.fullmatch(word.lower()) or word.lower().endswith("n't"))
        and quantity & set(stems[max(0, i - 4) : i + 5])
        for i, word in enumerate(words)
    )


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


# Shapes of text addressed to a model rather than reporting anything. Each is a shape, not a phrase list: who is
# addressed (a chat role, "you are ... an assistant", a note "for AI models"), what is ordered (ignore the rules;
# answer/reply/cite/label in an imperative position, about an output), or our own formats forged (a JSON stance,
# citation offsets, our delimiters). Reported speech ("'You are now free to go,' the judge told him", "she would
# answer with a lawsuit") has none of them.
_IMPERATIVE = r"(?:^|[.,:;!?]\s*|\b(?:please|always|never|then|and)\s+)"
_INSTRUCTION_SHAPES = {
    "chat role": r"(?:^|[\s>\]])(?:system|user|assistant|developer)\s*:",
    "override": r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b",
    "model addressed": r"\b(?:you are|act as|as an?)\b[^.]{0,30}\b(?:assistants?|(?:language )?models?|ai|chatbots?"
                       r"|(?:evaluation|developer|test|debug) mode)\b"
                       r"|\b(?:note|message|instructions?) (?:for|to) (?:all |any )?"
                       r"(?:ai\b|language models?|assistants?|fact-check\w*|models?\b|bots?\b)",
    "output order": _IMPERATIVE + r"(?:answer|reply|respond|output|return|say|print|label|cite|quote|mark|classify)\b"
                    r"[^.]{0,40}\b(?:stance|verdict|supports?|supported|refutes?|refuted|confidence|passage|source"
                    r"|\[\d+\]|the word|json)\b",
    "forged format": r"\"(?:stance|verdict|confidence|label|quote)\"\s*:|\bchars? \d+\s*[-\u2013]\s*\d+\b"
                     r"|</?(?:evidence|passages|conversation|system)>",
}
_INSTRUCTION = re.compile("|".join(f"(?:{shape})" for shape in _INSTRUCTION_SHAPES.values()), re.I)


def looks_like_instructions(sentence: str) -> bool:
    """A sentence addressed to the model rather than reporting anything: never evidence, never cited."""
    return _INSTRUCTION.search(sentence) is not None
