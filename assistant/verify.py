"""Verify a claim: retrieve evidence from several sources, judge each, aggregate into a verdict."""

from __future__ import annotations

import time
import unicodedata

from .aggregate import aggregate
from .errors import UserInputError
from .judge import judge
from .llm import LLM
from .retrieval import Evidence, retrieve
from .settings import Settings
from .store import Store
from .verdict import Verdict

MAX_CLAIM_CHARS = 2000


def clean_claim(claim: str) -> str:
    """The claim as judged: visible characters, single spaces; unusable claims are refused."""
    text = "".join(ch for ch in claim if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    text = " ".join(text.split())
    if not text:
        raise UserInputError("the claim is empty")
    if len(text) > MAX_CLAIM_CHARS:
        raise UserInputError(
            f"the claim is {len(text)} characters; a claim is a sentence or two, at most {MAX_CLAIM_CHARS}"
        )
    return text


def verify(claim: str, store: Store, llm: LLM, settings: Settings, exclude: str | None = None) -> Verdict:
    """Judge ``claim`` against the stored corpus; one model call per source read."""
    started = time.perf_counter()
    text = clean_claim(claim)
    evidence = retrieve(store, text, settings.sources, settings.sentences, exclude=exclude)
    return verify_evidence(text, evidence, llm, settings, started)


def verify_evidence(
    claim: str, evidence: list[Evidence], llm: LLM, settings: Settings, started: float | None = None
) -> Verdict:
    """Judge ``claim`` against evidence already chosen (retrieved, or given by a benchmark); one call per source."""
    started = time.perf_counter() if started is None else started
    before = llm.usage.model_copy()
    text = clean_claim(claim)
    judgements = [judge(llm, text, item) for item in evidence]
    label, confidence, summary = aggregate(judgements)
    return Verdict(
        claim=text,
        label=label,
        confidence=confidence,
        summary=summary,
        judgements=judgements,
        model=f"{settings.model} ({llm.endpoint})",
        usage=llm.usage.since(before),
        seconds=round(time.perf_counter() - started, 3),
    )
