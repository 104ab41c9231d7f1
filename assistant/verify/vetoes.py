"""The vetoes: deterministic checks a quote must pass before the LLM judge may let it *support* a claim.

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
A failed check turns the stance into "irrelevant"; it never creates one. The classifier judge uses none of them
by default: none helped it on validation data (``bench/ablation.py``; ``classifier.VETOES``).
"""

from __future__ import annotations

import re

from .mentions import (
    DATE_WORDS,
    WORD,
    canonical,
    content_stems,
    counted_at,
    mentions,
    names,
    numbers,
    planned_at,
    possible_at,
    stem,
)

_CLAIM_MODAL = re.compile(r"\b(up to|as many as|could|(?-i:may)|might|plans?|aims?|expected|would|will)\b", re.I)
_NEGATION = re.compile(
    r"\b(no|not|none|never|nobody|denied|denies|false|untrue|neither|nor|refused|refuses|declined|declines|failed"
    r"|fails|without)\b|n't\b",
    re.I,
)


def name_problem(claim: str, quote: str, title: str = "") -> str | None:
    """Names of the claim that neither the quote nor its article's title mentions.

    The title counts because it sets the subject a sentence leaves implicit:
    "The plant will supply 40,000 residents" in "Lindenmoor opens new water plant".
    """
    quote = canonical(f"{quote} {title}")
    missing = [n for n in dict.fromkeys(names(canonical(claim))) if not mentions(quote, n)]
    return f"the quote does not mention {', '.join(missing)}" if missing else None


def overruling(claim: str, stance: str, quote: str, title: str, vetoes: frozenset[str]) -> str | None:
    """Why the chosen ``vetoes`` ("names", "numbers", "refutation") overrule ``stance`` on ``quote``, or None.

    One place for both judges: names and numbers veto a support, refutation vetoes a refute.
    """
    if stance == "supports":
        return ("names" in vetoes and name_problem(claim, quote, title)) or (
            "numbers" in vetoes and number_problem(claim, quote)) or None
    if stance == "refutes" and "refutation" in vetoes:
        return refute_problem(claim, quote, title)
    return None


def support_problem(claim: str, quote: str, title: str = "") -> str | None:
    """Why ``quote`` (from an article titled ``title``) cannot support ``claim``, or None."""
    return name_problem(claim, quote, title) or number_problem(claim, quote)


_SEASONS = {"spring", "summer", "autumn", "fall", "winter"}
_NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "dozen", "half", "third",
    "quarter", "first", "second", "last", "all", "none", "most", "few", "several",
}
#: Stems of words that give a claim its direction: "reduces" is not stated by a quote that says "induced".
_DIRECTIONS = {
    "incre", "decre", "reduc", "rise", "rose", "risen", "fall", "fell", "falle", "grow", "grew", "shrin", "decli",
    "drop", "raise", "lower", "highe", "more", "less", "fewer", "gain", "lose", "lost", "win", "won", "appro",
    "rejec", "open", "close", "start", "begin", "began", "end", "ended",
    "activ", "block", "enhan", "impro", "worse", "bette", "cut", "add", "added",
}
_ATTRIBUTED = re.compile(r"\b(said|says|told|according to|announced|claimed|claims|stated)\b", re.I)
#: A quote that states a claim may leave out one of its words per this many ("line" for "project").
RESTATED_PER_MISSING = 8


def _event_words(claim: str) -> set[str]:
    """What a claim says happened, without its names, dates and numbers: "founded", "chief executive"."""
    lowercase = " ".join(w for w in WORD.findall(claim) if w.islower() and w not in DATE_WORDS)
    return content_stems(lowercase)


def _comparable(claim: str, quote: str) -> bool:
    """Whether the quote states a number of the same kind as one of the claim's, so the two can disagree.

    A ceiling or possibility ("up to 7,000 may be moved") and a count ("150
    were moved") are different quantities, unless they are equal.
    """
    quoted = [(value, counted_at(quote, value, s, e), possible_at(quote, s, e)) for value, s, e in numbers(quote)]
    shared_event = bool(_event_words(claim) & content_stems(quote))
    for value, start, end in numbers(claim):
        kind, planned = counted_at(claim, value, start, end), possible_at(claim, start, end)
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
    said = {w.lower() for w in WORD.findall(quote)}
    decisive = {w.lower() for w in WORD.findall(claim)} & (_SEASONS | _NUMBER_WORDS)
    directions = {stem(w) for w in WORD.findall(claim)} & _DIRECTIONS
    words = content_stems(claim)
    stated = content_stems(f"{quote} {title}")
    # A shorter stem counts when the other begins with it: "Iraq" states "Iraqi".
    missing = [w for w in words if not any(w.startswith(s) or s.startswith(w) for s in stated if len(s) >= 4)
               and w not in stated]
    return (
        decisive <= said
        and directions <= {stem(w) for w in said}
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
    quantity = set().union(*(counted_at(claim, v, s, e) for v, s, e in numbers(claim))) - {"date", "count"}
    if not quantity:
        return _NEGATION.search(quote) is not None
    words = WORD.findall(quote)
    stems = [stem(w) for w in words]
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
        if not claim_is_modal and all(planned_at(quote, s, e) for s, e in places):
            return f"the quote gives {shown} as planned or possible, not as done"
    return None
