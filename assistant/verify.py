"""Verify a claim: retrieve evidence from several sources, judge each, aggregate into a verdict."""

from __future__ import annotations

import time
import unicodedata

from .aggregate import aggregate
from .errors import UserInputError
from .judge import judge
from .llm import LLM
from .retrieval import retrieve
from .settings import Settings
from .store import Store
from .verdict import Verdict

MAX_CLAIM_CHARS = 2000


def clean_claim(claim: str, what: str = "claim") -> str:
    """The claim (or question) as judged: visible characters, single spaces; unusable ones are refused."""
    text = "".join(ch for ch in claim if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    text = " ".join(text.split())
    if not text:
        raise UserInputError(f"the {what} is empty")
    if len(text) > MAX_CLAIM_CHARS:
        raise UserInputError(
            f"the {what} is {len(text)} characters; a {what} is a sentence or two, at most {MAX_CLAIM_CHARS}"
        )
    return text


def verify(claim: str, store: Store, llm: LLM, settings: Settings, exclude: str | None = None) -> Verdict:
    """Judge ``claim`` against the stored corpus; one model call per source read."""
    started = time.perf_counter()
    text = clean_claim(claim)
    # Counted per thread, so claims verified side by side each get their own usage.
    with llm.measure() as usage:
        evidence = retrieve(store, text, settings.sources, settings.sentences, exclude=exclude)
        judgements = [judge(llm, text, item) for item in evidence]
    label, confidence, summary = aggregate(judgements)
    return Verdict(
        claim=text,
        label=label,
        confidence=confidence,
        summary=summary,
        judgements=judgements,
        model=f"{settings.model} ({llm.endpoint})",
        usage=usage,
        seconds=round(time.perf_counter() - started, 3),
    )
