"""A compound claim as the simple claims it joins, each verified on its own.

"Police searched the offices in August, and Rudgard, who had run the harbour since 2015, resigned the following
month" says three things. A source that states two of them alike supports the two, not the claim, and a window
matching its true parts must not hide the one detail that was changed. So the claim is split along its parse
(spaCy's, the details reader's verified pipeline): every coordinated clause and every non-restrictive relative
clause becomes a part with its own subject ("Rudgard had run the harbour since 2015"). The claim is supported
only if every part is, refuted if any part is.

The split is made without a model call, and only where each part keeps a verb and a subject of its own; a claim
of one clause is left whole.
"""

from __future__ import annotations

from typing import Any

from .details import get_reader

#: Parts shorter than this (in words) are kept with the clause they hang on: "and left" says nothing alone.
MIN_WORDS = 4
#: A claim is split into at most this many parts; a longer list is verified whole.
MAX_PARTS = 4
_SUBJECTS = ("nsubj", "nsubjpass")
_RELATIVE = frozenset({"who", "which", "that", "whom", "whose"})


#: A claim with none of these cannot join clauses, so it is not parsed here (the parse would wait for the
#: pipeline to load, which otherwise happens beside retrieval).
_JOINS = (", ", ";", " and ", " but ", " while ", " whereas ")


def split(claim: str) -> list[str]:
    """The simple claims ``claim`` joins (``[claim]`` when it is one)."""
    if not any(j in claim for j in _JOINS):
        return [claim]
    doc = get_reader().nlp(claim)
    heads = _clause_heads(doc)
    if len(heads) < 2 or len(heads) > MAX_PARTS:
        return [claim]
    parts = []
    for head in heads:
        text = _part(doc, head, heads)
        if text is None:
            return [claim]
        parts.append(text)
    return parts if len(set(parts)) == len(parts) else [claim]


def _clause_heads(doc: Any) -> list[Any]:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return []
    heads = [root]
    for token in doc:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        coordinated = token.dep_ == "conj" and token.head in heads
        if coordinated or (token.dep_ == "relcl" and _non_restrictive(token) and _antecedent_named(token)):
            heads.append(token)
    # A conj of a relative clause comes after it in the text, so a second pass picks those up.
    for token in doc:
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and token.head in heads and token not in heads:
            heads.append(token)
    return sorted(heads, key=lambda t: t.i)


def _non_restrictive(verb: Any) -> bool:
    """", who had run the harbour," is an aside on a name: a claim of its own. "the firm that won" is not."""
    start = min(t.i for t in verb.subtree)
    return start > 0 and str(verb.doc[start - 1].text) == ","


def _antecedent_named(verb: Any) -> bool:
    return bool(verb.head.pos_ in ("PROPN", "NOUN"))


def _subject_tokens(doc: Any, head: Any, heads: list[Any]) -> list[int]:
    """The subject of ``head``: its own, a shared one (``conj``), or the noun a relative clause is about."""
    own = [c for c in head.children if c.dep_ in _SUBJECTS]
    if own and own[0].lower_ not in _RELATIVE:
        return []  # already inside the part's own subtree
    if head.dep_ == "relcl":
        noun = head.head
        return [t.i for t in noun.subtree if not _inside_any(t, heads, noun) and t.dep_ != "punct"]
    if head.dep_ == "conj":
        return _subject_tokens_of_clause(doc, head.head, heads)
    return []


def _subject_tokens_of_clause(doc: Any, head: Any, heads: list[Any]) -> list[int]:
    own = [c for c in head.children if c.dep_ in _SUBJECTS]
    if own and own[0].lower_ not in _RELATIVE:
        return [t.i for t in own[0].subtree if not _inside_any(t, heads, own[0]) and t.dep_ != "punct"]
    return _subject_tokens(doc, head, heads)


def _inside_any(token: Any, heads: list[Any], allowed: Any) -> bool:
    """Whether ``token`` belongs to a clause head's subtree other than ``allowed``'s own."""
    for h in heads:
        if h is allowed:
            continue
        if h.i == token.i or any(a.i == h.i for a in token.ancestors):
            if h in allowed.ancestors or h.i == allowed.i:
                continue
            return True
    return False


def _part(doc: Any, head: Any, heads: list[Any]) -> str | None:
    own = [t.i for t in head.subtree if not _inside_any(t, heads, head)]
    own = [i for i in own if not (doc[i].dep_ in _SUBJECTS and doc[i].lower_ in _RELATIVE and doc[i].head.i == head.i)]
    # The conjunction and commas that joined this clause to the next belong to neither.
    own = [i for i in own if not (doc[i].dep_ in ("cc", "punct") and doc[i].head.i == head.i and i > head.i
                                  and any(h.i > i for h in heads if h is not head))]
    subject = _subject_tokens(doc, head, heads)
    if not any(doc[i].dep_ in _SUBJECTS for i in own) and not subject:
        return None
    kept = sorted(set(subject + own))
    # A comma that stood against a clause taken out (", who had run the harbour,") goes with it.
    kept = [i for i in kept if not (doc[i].is_punct and any(
        0 <= j < len(doc) and j not in kept and _inside_any(doc[j], heads, head) for j in (i - 1, i + 1)))]
    words = [doc[i] for i in kept]
    while words and (words[-1].is_punct or words[-1].dep_ == "cc"):
        words.pop()
    while words and (words[0].is_punct or words[0].dep_ == "cc"):
        words.pop(0)
    if sum(1 for w in words if not w.is_punct) < MIN_WORDS:
        return None
    pieces = []
    for w, after in zip(words, [*words[1:], None], strict=True):
        pieces.append(w.text)
        if after is not None:
            pieces.append(w.whitespace_ if after.i == w.i + 1 else " ")
    text = "".join(pieces).strip().rstrip(",;.")
    return text[0].upper() + text[1:] + "."
