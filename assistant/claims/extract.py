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

from ..corpus.article import Article
from ..corpus.chunking import Span, is_sentence, sentences
from ..corpus.embedding import get_embedder
from ..llm import LLM
from ..prompts import prompt
from ..untrusted import as_data
from ..verify.vetoes import number_problem

ClaimType = Literal["numeric", "temporal", "quote", "event", "causal", "other"]
ClaimKind = Literal["fact", "opinion", "prediction"]
WINDOW_CHARS = 1000
CONTEXT_SENTENCES = 2
# A claim at least this similar to some sentence of its window can be grounded there; pronoun-resolved
# rewrites score about 0.6, verbatim ones near 1.0.
MIN_GROUNDING = 0.5
# A claim closer than this margin to the title than to any sentence was taken from the title.
TITLE_MARGIN = 0.1


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


def ground(claim: str, given: int, window: list[str], title: str = "") -> int | None:
    """The number of the sentence the claim really comes from: the model's, repaired, or None.

    A small model miscounts sentences or takes a claim from the title; the
    sentence most similar to the claim wins when the named one is clearly
    worse, and a claim like no sentence of the window, or more like the title
    than any sentence (the seed's title scored 0.95 against its "claim", the
    sentence it was pinned to 0.62), is dropped.
    """
    if not claim:
        return None
    vectors = get_embedder().embed([claim, title or claim, *window])
    scores = vectors[2:] @ vectors[0]
    best = int(scores.argmax())
    if scores[best] < MIN_GROUNDING or (title and float(vectors[1] @ vectors[0]) > scores[best] + TITLE_MARGIN):
        return None
    if 1 <= given <= len(window) and scores[given - 1] >= scores[best] - 0.05:
        return given
    return best + 1


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
        texts = [tidy(str(item.claim)) for item in answer.claims]  # type: ignore[attr-defined]
        for item, text in zip(answer.claims, texts, strict=True):  # type: ignore[attr-defined]
            index = ground(text, int(item.sentence), [article.text[s.start : s.end] for s in window], article.title)
            if index is None or index in taken:
                continue
            span = window[index - 1]
            source = article.text[span.start : span.end]
            # Headlines are not claims, and a claim may not add or firm up a number its sentence lacks.
            if not text or not is_sentence(source) or number_problem(text, source):
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
