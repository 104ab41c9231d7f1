"""Extract check-worthy claims from an article, each tied to the exact sentence it comes from.

The article is read in windows of whole sentences; every sentence is numbered
in exactly one window (the one before it is shown unnumbered as context), so
no claim is lost or duplicated at a seam. The model names a sentence number,
which the schema restricts to the window's numbers, so every span is a real
span; a claim that adds a number the sentence does not state, or turns a plan
into an event, is dropped as a distortion.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, create_model

from .article import Article
from .checks import number_problem
from .chunking import Span, is_sentence, sentences
from .judge import as_data
from .llm import LLM
from .prompts import prompt

ClaimType = Literal["numeric", "temporal", "quote", "event", "causal", "other"]
ClaimKind = Literal["fact", "opinion", "prediction"]
WINDOW_CHARS = 1000
CONTEXT_SENTENCES = 2


class Claim(BaseModel):
    """A claim and where it comes from: ``article.text[start:end]`` is its sentence."""

    text: str
    article_id: str
    start: int
    end: int
    source_sentence: str
    type: ClaimType
    kind: ClaimKind
    checkworthiness: float = Field(ge=0.0, le=1.0)
    reason: str


def windows(text: str, limit: int = WINDOW_CHARS) -> list[list[Span]]:
    """Consecutive groups of sentence spans, each group at most about ``limit`` characters."""
    groups: list[list[Span]] = []
    for span in sentences(text):
        if groups and span.end - groups[-1][0].start <= limit:
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def extraction_model(count: int) -> type[BaseModel]:
    number = Literal[tuple(range(1, count + 1))]  # type: ignore[valid-type]
    item = create_model(
        "ExtractedClaim",
        sentence=(number, Field(description="Number of the sentence the claim comes from.")),  # type: ignore[arg-type]
        claim=(str, Field(description="The claim, self-contained.")),
        type=(ClaimType, ...),
        kind=(ClaimKind, ...),
        checkworthiness=(float, Field(ge=0.0, le=1.0)),
        reason=(str, Field(description="Why it matters, in a few words.")),
    )
    return create_model("Extraction", claims=(list[item], ...))  # type: ignore[valid-type]


def tidy(claim: str) -> str:
    """Undo the small model's stray spaces: "U. S." -> "U.S.", "7, 000" -> "7,000"."""
    claim = re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", claim)
    claim = re.sub(r"(?<=\d), (?=\d{3}\b)", ",", claim)
    return " ".join(claim.split())


def _messages(article: Article, context: list[Span], window: list[Span]) -> list[dict[str, str]]:
    lines = [f"context: {as_data(article.text[s.start : s.end])}" for s in context]
    lines += [f"[{i}] {as_data(article.text[s.start : s.end])}" for i, s in enumerate(window, start=1)]
    user = prompt("extract_user").format(title=as_data(article.title or "untitled"), sentences="\n".join(lines))
    return [{"role": "system", "content": prompt("extract_system")}, {"role": "user", "content": user}]


def extract(llm: LLM, article: Article) -> list[Claim]:
    """The article's claims in document order; one model call per window."""
    claims: list[Claim] = []
    previous: list[Span] = []
    for window in windows(article.text):
        context = previous[-CONTEXT_SENTENCES:]
        answer = llm.structured(extraction_model(len(window)), _messages(article, context, window), max_tokens=1200)
        taken: set[int] = set()
        for item in answer.claims:  # type: ignore[attr-defined]
            index = int(item.sentence)
            span = window[index - 1]
            source = article.text[span.start : span.end]
            text = tidy(str(item.claim))
            # Headlines are not claims, and a claim may not add or firm up a number its sentence lacks.
            if index in taken or not text or not is_sentence(source) or number_problem(text, source):
                continue
            taken.add(index)
            claims.append(
                Claim(
                    text=text, article_id=article.id, start=span.start, end=span.end, source_sentence=source,
                    type=item.type, kind=item.kind, checkworthiness=float(item.checkworthiness),
                    reason=str(item.reason).strip(),
                )
            )
        previous = window
    return sorted(claims, key=lambda c: c.start)
