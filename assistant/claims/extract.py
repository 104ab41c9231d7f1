"""Extract check-worthy claims from an article, each tied to the exact sentence it comes from.

The model has read the sentence, so it is not asked to write it again. Each
full sentence is judged in a call of its own (its kind: fact, opinion,
prediction or none; about six written tokens), and the claim is the sentence
itself, sliced from the article by its offsets, verbatim by construction. Only a
sentence that cannot be read alone (it says "he", "it", "this step") is
rewritten by the model, with the sentences before it as context, and the
rewrite is checked against the sentence before it replaces it.

Why one call per sentence: asked to mark all of an article's sentences in one
answer, the embedded 1.5B model copied the example's values down the list
(every sentence "fact, quote, 6"), and asked to write a rewrite only where one
was needed, it copied every sentence; with the sentence alone in front of it,
it tells a note to readers from a claim. The system prompt is the same for every
call, so llama.cpp evaluates only the sentence; an endpoint takes the calls
concurrently.

Headings and bylines (no closing punctuation) and sentences wholly in
brackets (wire trailers, editor's notes, credits) cannot be claims about the
news and are not sent to the model. A claim's type (numeric, temporal, quote,
event, causal) is read from the sentence by the details reader's parser, and its
check-worthiness comes from a trained head (:mod:`.checkworthiness`).
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast

from pydantic import BaseModel, Field

from ..corpus.article import Article
from ..corpus.chunking import Span, is_sentence, sentences
from ..corpus.embedding import get_embedder
from ..errors import FactdeskError
from ..llm import LLM
from ..prompts import prompt
from ..untrusted import as_data
from ..verify.batch import in_order
from . import checkworthiness

ClaimType = Literal["numeric", "temporal", "quote", "event", "causal", "other"]
ClaimKind = Literal["fact", "opinion", "prediction"]
#: How many sentences before a claim the rewrite sees.
CONTEXT_SENTENCES = 3
#: A rewrite must be at least this similar to its sentence (pronoun-resolved rewrites score about 0.6).
MIN_GROUNDING = 0.5
MAX_REWRITE_TOKENS = 100
#: Details a rewrite may not add to its sentence (names it may: that is what resolving "he" does).
_ADDED = frozenset({"number", "date"})



class Mark(BaseModel):
    kind: Literal["fact", "opinion", "prediction", "none"]


class Rewrite(BaseModel):
    claim: str


class Claim(BaseModel):
    """A claim and where it comes from: ``article.text[start:end]`` is its sentence.

    ``text`` is the sentence itself, unless the model rewrote it to be read alone (``rewritten``).
    """

    text: str
    article_id: str
    start: int
    end: int
    source_sentence: str
    type: ClaimType
    kind: ClaimKind
    checkworthiness: float = Field(ge=0.0, le=1.0)
    rewritten: bool = False


# Verbs that report speech: a sentence built on one is a quote ("said", "announced", "welcomed").
_REPORTING = frozenset({
    "say", "tell", "announce", "state", "add", "claim", "confirm", "deny", "report", "warn", "insist", "argue",
    "note", "clarify", "assert", "praise", "welcome", "call", "describe", "urge", "ask", "accuse", "admit",
    "write", "declare", "explain", "promise", "vow", "pledge", "criticise", "criticize", "suggest",
})
# Words that make one thing the cause of another.
_CAUSAL = frozenset({"because", "cause", "blame", "therefore"})
# ... and words that do when followed by "to", "in" or "from" ("led to", "resulted in", "due to").
_CAUSAL_BEFORE = frozenset({"lead", "result", "due", "owe", "thanks", "stem"})
_NUMERIC = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})


def claim_type(doc: Any) -> ClaimType:
    """The claim's type from its parse: a figure first, then a cause, a date, reported speech, an event."""
    labels = {ent.label_ for ent in doc.ents}
    lemmas = {token.lemma_.lower() for token in doc}
    if labels & _NUMERIC:
        return "numeric"
    if lemmas & _CAUSAL or any(
        t.lemma_.lower() in _CAUSAL_BEFORE and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in {"to", "in", "from"}
        for t in doc
    ):
        return "causal"
    if labels & {"DATE", "TIME"}:
        return "temporal"
    root = next((token for token in doc if token.dep_ == "ROOT"), None)
    if root is not None and root.lemma_.lower() in _REPORTING:
        return "quote"
    return "event" if any(token.pos_ == "VERB" for token in doc) else "other"


def tidy(claim: str) -> str:
    """Undo the small model's stray spaces: "U. S." -> "U.S.", "7, 000" -> "7,000"."""
    claim = re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", claim)
    claim = re.sub(r"(?<=\d), (?=\d{3}\b)", ",", claim)
    return " ".join(claim.split())


def faithful(rewrite: str, sentence: str, context: str) -> bool:
    """Whether a rewrite says what its sentence says.

    It must be about the sentence (embedding similarity), differ from it in
    no detail the details reader compares (figures, dates, names, negation,
    plans against events, direction, roles) and add no figure or date; the
    names it takes from the context are what a rewrite is for.
    """
    from ..verify.details import get_reader
    from ..verify.discrepancies import compare

    vectors = get_embedder().embed([rewrite, sentence])
    if float(vectors[0] @ vectors[1]) < MIN_GROUNDING:
        return False
    claim, source = get_reader().read_all([rewrite, sentence])
    comparison = compare(claim, source, context)
    return not comparison.differences and not comparison.unstated_of(_ADDED)


def judge(llm: LLM, sentence: str) -> str:
    """The sentence's kind: fact, opinion, prediction, or none (no claim)."""
    messages = [
        {"role": "system", "content": prompt("extract_system")},
        {"role": "user", "content": prompt("extract_user").format(sentence=as_data(sentence))},
    ]
    return llm.structured(Mark, messages, max_tokens=16).kind


def rewrite(llm: LLM, article: Article, before: list[Span], sentence: str) -> str | None:
    """The sentence rewritten to be read alone, or None when the model's rewrite cannot be trusted."""
    text = article.text
    context = " ".join(text[s.start : s.end] for s in before)
    user = prompt("decontext_user").format(
        title=as_data(article.title or "untitled"), context=as_data(context), sentence=as_data(sentence)
    )
    messages = [{"role": "system", "content": prompt("decontext_system")}, {"role": "user", "content": user}]
    try:
        claim = tidy(llm.structured(Rewrite, messages, max_tokens=MAX_REWRITE_TOKENS).claim)
    except FactdeskError:  # cut off or invalid after the retries: the sentence stands as it is
        return None
    if not claim or claim == tidy(sentence) or not faithful(claim, sentence, context):
        return None
    return claim


def aside(sentence: str) -> bool:
    """A sentence wholly in brackets: a wire trailer ("(Reporting by ...; Editing by ...)"), a correction or
    editor's note, a credit; it speaks about the article, not about the news."""
    text = sentence.strip()
    return text[:1] in "([" and text[-1:] in ")]" and text.count("(") + text.count("[") == 1


def candidates(text: str) -> list[Span]:
    """The article's full sentences: headings and bylines (no closing punctuation) and asides are left out."""
    return [s for s in sentences(text) if is_sentence(text[s.start : s.end]) and not aside(text[s.start : s.end])]


def extract(llm: LLM, article: Article, concurrency: int = 1) -> list[Claim]:
    """The article's claims in document order: one call per full sentence, one more per claim that needs context.

    ``concurrency`` calls run at once (an endpoint's; the embedded model takes them one at a time).
    """
    from ..verify.details import by_pronoun, get_reader

    text = article.text
    spans = candidates(text)

    def judged(span: Span) -> str:
        return judge(llm, text[span.start : span.end])

    kept = []
    # The first call goes alone: it settles the endpoint's structured-output dialect once, not once per thread.
    first = [(span, judged(span)) for span in spans[:1]]
    for span, outcome in [*first, *in_order(spans[1:], judged, concurrency)]:
        if isinstance(outcome, FactdeskError):
            raise outcome
        if outcome in ("fact", "opinion", "prediction"):
            kept.append((span, cast(ClaimKind, outcome)))
    sources = [text[span.start : span.end] for span, _ in kept]
    claims, todo = [], []
    for (span, kind), source, doc, worth in zip(
        kept, sources, get_reader().nlp.pipe(sources), checkworthiness.scores(sources), strict=True
    ):
        claims.append(Claim(
            text=" ".join(source.split()), article_id=article.id, start=span.start, end=span.end,
            source_sentence=source, type=claim_type(doc), kind=kind, checkworthiness=worth,
        ))
        if kind == "fact" and by_pronoun(doc):
            todo.append(claims[-1])
    starts = [s.start for s in spans]

    def rewritten(claim: Claim) -> str | None:
        position = starts.index(claim.start)
        return rewrite(llm, article, spans[max(0, position - CONTEXT_SENTENCES) : position], claim.source_sentence)

    for claim, result in in_order(todo, rewritten, concurrency):
        if isinstance(result, FactdeskError):
            raise result
        if result is not None:
            claim.text, claim.rewritten = result, True
    return claims
