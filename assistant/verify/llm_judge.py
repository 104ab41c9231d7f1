"""Judge one source's stance toward a claim with one structured model call.

The field order (quote, comparison, stance, confidence) makes a small model
look before it decides. The quote is free text and therefore untrusted: it is
located in the stored article, and a stance whose quote the source does not
contain is dropped. (An enum of the evidence sentences would force verbatim
quotes, but llama.cpp's schema-to-grammar converter mis-escapes sentences that
contain double quotes, and an invalid grammar crashes the process.)
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from ..corpus.embedding import get_embedder
from ..errors import InvalidOutputError
from ..llm import LLM
from ..prompts import prompt
from ..untrusted import as_data, looks_like_instructions
from .quotes import locate
from .retrieve import Evidence
from .verdict import Citation, SourceJudgement
from .vetoes import refute_problem, support_problem

# Below this cosine similarity a quote is about something else: measured on the corpus, quotes the
# model misused scored 0.20-0.43 against their claims, and quotes that decide a claim 0.57-0.92.
MIN_QUOTE_RELEVANCE = 0.45
_MARKER = re.compile(r"^\s*\[\d+\]\s*")


class SourceAssessment(BaseModel):
    """What the model returns for one source; string length is bounded by the call's max_tokens."""

    quote: str = Field(description="The evidence sentence that best decides the claim, copied exactly.")
    comparison: str = Field(description="The key values of claim and quote, compared.")
    stance: Literal["supports", "refutes", "irrelevant"] = Field(description="The source's stance.")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the stance is, 0 to 1.")


def messages(claim: str, evidence: Evidence) -> list[dict[str, str]]:
    article = evidence.article
    lines = "\n".join(f"[{i}] {as_data(s)}" for i, s in enumerate(evidence.sentences, start=1))
    user = prompt("judge_user").format(
        claim=as_data(claim),
        outlet=article.outlet or "unknown outlet",
        title=article.title or "untitled",
        published=article.published or "date unknown",
        evidence=lines,
    )
    return [{"role": "system", "content": prompt("judge_system")}, {"role": "user", "content": user}]


def relevance(llm: LLM, claim: str, quote: str) -> float:
    """Cosine similarity of claim and quote under the embedding model."""
    vectors = get_embedder(llm.settings.embed_threads).embed([claim, quote])
    return float(vectors[0] @ vectors[1])


def judge(llm: LLM, claim: str, evidence: Evidence) -> SourceJudgement:
    """The source's stance, with a citation only when its quote is found verbatim in the article."""
    article = evidence.article
    try:
        answer = llm.structured(SourceAssessment, messages(claim, evidence), max_tokens=400)
    except InvalidOutputError as exc:
        # One unusable answer costs this source its voice, not the whole verdict.
        return SourceJudgement(
            article_id=article.id, outlet=article.outlet, title=article.title, stance="irrelevant",
            confidence=0.0, comparison="", note=f"no judgement: {exc}",
        )
    quote, comparison, stance, confidence = answer.quote, answer.comparison, answer.stance, answer.confidence
    judgement = SourceJudgement(
        article_id=article.id, outlet=article.outlet, title=article.title, stance=stance,
        confidence=confidence, comparison=comparison.strip(),
    )
    # The "[n]" numbering is ours, not the source's: models often copy it along with the sentence.
    span = locate(article.text, _MARKER.sub("", quote))
    if span is None:
        # Never show a quote the source does not contain; a stance without its quote does not count.
        return judgement.model_copy(update={"stance": "irrelevant", "note": "quote not found in the source"})
    citation = Citation(
        article_id=article.id, outlet=article.outlet, title=article.title, published=article.published,
        url=article.url, quote=article.text[span[0] : span[1]], start=span[0], end=span[1],
        page=article.page_at(span[0]),
    )
    judgement = judgement.model_copy(update={"citation": citation})
    if looks_like_instructions(citation.quote):
        note = "the quote is an instruction, not evidence"
        return judgement.model_copy(update={"stance": "irrelevant", "note": note, "citation": None})
    if stance != "irrelevant" and (similarity := relevance(llm, claim, citation.quote)) < MIN_QUOTE_RELEVANCE:
        note = f"the quote is not about the claim (similarity {similarity:.2f})"
        return judgement.model_copy(update={"stance": "irrelevant", "note": note})
    if stance == "supports" and (problem := support_problem(claim, citation.quote, article.title)):
        return judgement.model_copy(update={"stance": "irrelevant", "note": f"not support: {problem}"})
    if stance == "refutes" and (problem := refute_problem(claim, citation.quote, article.title)):
        return judgement.model_copy(update={"stance": "irrelevant", "note": f"not refutation: {problem}"})
    return judgement
