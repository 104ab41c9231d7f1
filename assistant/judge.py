"""Judge one source's stance toward a claim with one structured model call.

The schema is built per call: ``quote`` may only be one of the evidence
sentences shown, so a grammar-constrained model cannot invent a quote, and
the field order (quote, comparison, stance, confidence) makes a small model
look before it decides. Quotes are still checked against the stored text,
because a remote endpoint may ignore the schema.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, create_model

from .llm import LLM
from .prompts import prompt
from .quotes import locate
from .retrieval import Evidence
from .verdict import Citation, SourceJudgement

_DELIMITER = re.compile(r"</?\s*evidence\s*>", re.I)


def as_data(text: str) -> str:
    """Evidence text with anything that looks like our delimiters defused, so it cannot close the block."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "(").replace(">", ")"), text)


def assessment_model(sentences: list[str]) -> type[BaseModel]:
    quote_type = Literal[tuple(sentences)]  # type: ignore[valid-type]
    return create_model(
        "SourceAssessment",
        quote=(quote_type, Field(description="The evidence sentence that best decides the claim, copied exactly.")),
        comparison=(str, Field(max_length=400, description="The key values of claim and quote, compared.")),
        stance=(Literal["supports", "refutes", "irrelevant"], Field(description="The source's stance.")),
        confidence=(float, Field(ge=0.0, le=1.0, description="How sure the stance is, 0 to 1.")),
    )


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


def judge(llm: LLM, claim: str, evidence: Evidence) -> SourceJudgement:
    """The source's stance, with a citation only when its quote is found verbatim in the article."""
    schema = assessment_model(evidence.sentences)
    answer = llm.structured(schema, messages(claim, evidence), max_tokens=400)
    quote, comparison = str(answer.quote), str(answer.comparison)  # type: ignore[attr-defined]
    stance, confidence = answer.stance, float(answer.confidence)  # type: ignore[attr-defined]
    article = evidence.article
    base = {
        "article_id": article.id, "outlet": article.outlet, "title": article.title,
        "comparison": comparison.strip(), "confidence": confidence,
    }
    span = locate(article.text, quote)
    if span is None:
        # Never show a quote the source does not contain; a stance without its quote does not count.
        return SourceJudgement(stance="irrelevant", citation=None, note="quote not found in the source", **base)
    citation = Citation(
        article_id=article.id, outlet=article.outlet, title=article.title, published=article.published,
        url=article.url, quote=article.text[span[0] : span[1]], start=span[0], end=span[1],
    )
    return SourceJudgement(stance=stance, citation=citation, **base)
