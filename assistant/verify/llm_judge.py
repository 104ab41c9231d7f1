"""Judge one source's stance toward a claim with the LLM: by the probability of a one-letter answer where the
endpoint returns logprobs, else by the stance it states in one structured call.

Scored by logprobs (``FACTDESK_JUDGE_SCORING=auto`` on an endpoint that returns them, or ``logprobs``): the model
answers S, R or N in one token and the judgement is the distribution over those three letters among its top
alternatives, so the confidence is a probability rather than a number the model wrote. For S or R a second call
asks which numbered sentence shows it, as an integer enum of the sentence numbers: the citation is that
sentence, sliced from the article by its offsets, verbatim by construction.

Stated (the embedded model, whose in-process llama.cpp keeps no logits to return, or ``stated``): the field order
(quote, comparison, stance, confidence) makes a small model look before it decides. The quote is free text and
therefore untrusted: it is located in the stored article, and a stance whose quote the source does not contain
is dropped. (A string enum of the evidence sentences would force verbatim quotes, but llama.cpp's
schema-to-grammar converter mis-escapes sentences that contain double quotes; sentence numbers have no such
problem.)

Either way the cited sentence must not be an instruction, must be about the claim, and must pass the vetoes.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, Field, create_model

from ..corpus.embedding import get_embedder
from ..errors import ConfigError, InvalidOutputError
from ..llm import LLM
from ..prompts import prompt
from ..untrusted import as_data, looks_like_instructions
from .quotes import locate
from .retrieve import Evidence
from .verdict import Citation, SourceJudgement, Stance, StanceScores
from .vetoes import overruling

# Below this cosine similarity a quote is about something else: measured on the corpus, quotes the
# model misused scored 0.20-0.43 against their claims, and quotes that decide a claim 0.57-0.92.
MIN_QUOTE_RELEVANCE = 0.45
_MARKER = re.compile(r"^\s*\[\d+\]\s*")
#: The one-token answers of the logprob judge and the stance each stands for.
LETTERS: dict[str, Stance] = {"S": "supports", "R": "refutes", "N": "irrelevant"}
#: The vetoes that may overrule this judge: all three, as they were written for it (``bench/ablation.py --judge llm``).
VETOES: frozenset[str] = frozenset({"names", "numbers", "refutation"})
#: How many of the first token's alternatives are read: enough that all three letters are usually among them.
ALTERNATIVES = 10


class SourceAssessment(BaseModel):
    """What the model returns for one source; string length is bounded by the call's max_tokens."""

    quote: str = Field(description="The evidence sentence that best decides the claim, copied exactly.")
    comparison: str = Field(description="The key values of claim and quote, compared.")
    stance: Literal["supports", "refutes", "irrelevant"] = Field(description="The source's stance.")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the stance is, 0 to 1.")


def messages(claim: str, evidence: Evidence) -> list[dict[str, str]]:
    """The stated judge's prompt: the claim, the source and its numbered sentences as delimited data."""
    user = prompt("judge_user").format(**_context(claim, evidence))
    return [{"role": "system", "content": prompt("judge_system")}, {"role": "user", "content": user}]


def relevance(llm: LLM, claim: str, quote: str) -> float:
    """Cosine similarity of claim and quote under the embedding model."""
    vectors = get_embedder(llm.settings.embed_threads).embed([claim, quote])
    return float(vectors[0] @ vectors[1])


def scoring(llm: LLM) -> Literal["logprobs", "stated"]:
    """How this endpoint's judgements are scored: by logprobs where it returns them (``auto`` learns it on the
    first judgement), else by the stance it states."""
    mode = llm.settings.judge_scoring
    if mode != "auto":
        return mode
    if llm.settings.embedded or llm.offers_logprobs is False:
        return "stated"
    return "logprobs"


def judge(llm: LLM, claim: str, evidence: Evidence, vetoes: frozenset[str] = VETOES) -> SourceJudgement:
    """The source's stance, with a citation only when its sentence is found verbatim in the article."""
    if scoring(llm) == "logprobs":
        judged = judge_by_logprobs(llm, claim, evidence, vetoes)
        if judged is not None:
            return judged
        if llm.settings.judge_scoring == "logprobs":
            raise ConfigError(f"{llm.endpoint} returns no logprobs; set FACTDESK_JUDGE_SCORING=stated (or auto)")
    return judge_stated(llm, claim, evidence, vetoes)


def _context(claim: str, evidence: Evidence) -> dict[str, str]:
    article = evidence.article
    return {
        "claim": as_data(claim),
        "outlet": article.outlet or "unknown outlet",
        "title": article.title or "untitled",
        "published": article.published or "date unknown",
        "evidence": "\n".join(f"[{i}] {as_data(s)}" for i, s in enumerate(evidence.sentences, start=1)),
    }


def letter_messages(claim: str, evidence: Evidence) -> list[dict[str, str]]:
    user = prompt("judge_letter_user").format(**_context(claim, evidence))
    return [{"role": "system", "content": prompt("judge_letter_system")}, {"role": "user", "content": user}]


def cite_messages(claim: str, evidence: Evidence, stance: Stance) -> list[dict[str, str]]:
    user = prompt("judge_cite_user").format(**_context(claim, evidence), verb=stance)
    return [{"role": "system", "content": prompt("judge_letter_system")}, {"role": "user", "content": user}]


def letter_probabilities(alternatives: list[tuple[str, float]]) -> dict[str, float] | None:
    """P(S), P(R), P(N) from the first token's alternatives, renormalised over the three letters.

    " S" and "S" are one answer; other tokens ("Sure", "{") are not answers and are left out. None when no
    letter is among the alternatives.
    """
    mass: dict[str, float] = {}
    for token, logprob in alternatives:
        letter = token.strip().upper()
        if letter in LETTERS:
            mass[letter] = mass.get(letter, 0.0) + math.exp(logprob)
    total = sum(mass.values())
    if total <= 0.0:
        return None
    return {letter: mass.get(letter, 0.0) / total for letter in LETTERS}


def sentence_model(count: int) -> type[BaseModel]:
    """The citation's schema: the number of one of ``count`` evidence sentences, as an integer enum."""
    number = Literal[tuple(range(1, count + 1))]  # type: ignore[valid-type]
    return create_model(
        "CitedSentence",
        sentence=(number, Field(description="The number of the sentence that shows it.")),  # type: ignore[arg-type]
    )


def judge_by_logprobs(
    llm: LLM, claim: str, evidence: Evidence, vetoes: frozenset[str] = VETOES
) -> SourceJudgement | None:
    """The stance by the letters' probabilities, cited by sentence number; None when the endpoint gives none."""
    article = evidence.article
    alternatives = llm.top_logprobs(letter_messages(claim, evidence), ALTERNATIVES)
    if not alternatives:
        llm.offers_logprobs = False
        return None
    llm.offers_logprobs = True
    p = letter_probabilities(alternatives)
    judgement = SourceJudgement(
        article_id=article.id, outlet=article.outlet, title=article.title, stance="irrelevant", confidence=0.0,
        comparison="",
    )
    if p is None:
        return judgement.model_copy(update={"note": "no answer letter among the model's likeliest first tokens"})
    letter = max(p, key=lambda k: p[k])
    stance = LETTERS[letter]
    judgement = judgement.model_copy(update={
        "stance": stance, "confidence": round(p[letter], 4),
        "comparison": f"P(S) {p['S']:.2f}, P(R) {p['R']:.2f}, P(N) {p['N']:.2f} (the model's one-letter answer)",
        "scores": StanceScores(supported=p["S"], refuted=p["R"], neither=p["N"]),
    })
    if stance == "irrelevant" or not evidence.spans:
        return judgement
    try:
        cited = llm.structured(sentence_model(len(evidence.spans)), cite_messages(claim, evidence, stance),
                               max_tokens=24)
    except InvalidOutputError as exc:
        return judgement.model_copy(update={"stance": "irrelevant", "note": f"no sentence cited: {exc}"})
    span = evidence.spans[int(cited.sentence) - 1]  # type: ignore[attr-defined]
    return _checked(llm, claim, evidence, judgement, (span.start, span.end), vetoes)


def judge_stated(llm: LLM, claim: str, evidence: Evidence, vetoes: frozenset[str] = VETOES) -> SourceJudgement:
    """The stance the model states in one structured call, with the quote it copies located in the article."""
    article = evidence.article
    try:
        answer = llm.structured(SourceAssessment, messages(claim, evidence), max_tokens=400)
    except InvalidOutputError as exc:
        # One unusable answer costs this source its voice, not the whole verdict.
        return SourceJudgement(
            article_id=article.id, outlet=article.outlet, title=article.title, stance="irrelevant",
            confidence=0.0, comparison="", note=f"no judgement: {exc}",
        )
    judgement = SourceJudgement(
        article_id=article.id, outlet=article.outlet, title=article.title, stance=answer.stance,
        confidence=answer.confidence, comparison=answer.comparison.strip(),
    )
    # The "[n]" numbering is ours, not the source's: models often copy it along with the sentence.
    span = locate(article.text, _MARKER.sub("", answer.quote))
    if span is None:
        # Never show a quote the source does not contain; a stance without its quote does not count.
        return judgement.model_copy(update={"stance": "irrelevant", "note": "quote not found in the source"})
    return _checked(llm, claim, evidence, judgement, span, vetoes)


def _checked(
    llm: LLM, claim: str, evidence: Evidence, judgement: SourceJudgement, span: tuple[int, int],
    vetoes: frozenset[str],
) -> SourceJudgement:
    """The judgement with its citation at ``span``, unless the sentence there may not decide the claim."""
    article = evidence.article
    citation = Citation(
        article_id=article.id, outlet=article.outlet, title=article.title, published=article.published,
        url=article.url, quote=article.text[span[0] : span[1]], start=span[0], end=span[1],
        page=article.page_at(span[0]),
    )
    judgement = judgement.model_copy(update={"citation": citation})
    stance = judgement.stance
    if looks_like_instructions(citation.quote):
        note = "the quote is an instruction, not evidence"
        return judgement.model_copy(update={"stance": "irrelevant", "note": note, "citation": None})
    if stance != "irrelevant" and (similarity := relevance(llm, claim, citation.quote)) < MIN_QUOTE_RELEVANCE:
        note = f"the quote is not about the claim (similarity {similarity:.2f})"
        return judgement.model_copy(update={"stance": "irrelevant", "note": note})
    if problem := overruling(claim, stance, citation.quote, article.title, vetoes):
        kind = "support" if stance == "supports" else "refutation"
        return judgement.model_copy(update={"stance": "irrelevant", "note": f"not {kind}: {problem}"})
    return judgement
