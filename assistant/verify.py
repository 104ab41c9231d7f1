"""Verify a claim: retrieve evidence from several sources, judge each, aggregate into a verdict."""

from __future__ import annotations

import re
import time
import unicodedata

from .aggregate import aggregate
from .classifier_judge import classify
from .errors import UserInputError
from .judge import judge
from .llm import LLM
from .retrieval import Evidence, retrieve
from .settings import Settings
from .stance import get_stance_model
from .store import Store
from .verdict import Verdict

MAX_CLAIM_CHARS = 2000
# The classifier reads windows around more sentences per source than the LLM is given: it costs milliseconds.
CLASSIFIER_SENTENCES = 6
# Scripts written without spaces between words: one "word" of four such characters can already be a claim.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def visible_text(text: str) -> str:
    """The text without invisible characters (zero-width, direction marks, controls), on single spaces."""
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    return " ".join(text.split())


def clean_claim(claim: str, what: str = "claim") -> str:
    """The claim (or question) as judged: visible characters, single spaces; unusable ones are refused."""
    text = visible_text(claim)
    if not text:
        raise UserInputError(f"the {what} is empty")
    if len(text) > MAX_CLAIM_CHARS:
        raise UserInputError(
            f"the {what} is {len(text)} characters; a {what} is a sentence or two, at most {MAX_CLAIM_CHARS}"
        )
    return text


def checkable_claim(claim: str) -> str:
    """``clean_claim``, also refusing text that states nothing: one word ("hello", "Iraq?") or no word at all ("7,000").

    Retrieval would find the nearest passages to any word and the model would be asked to judge them, so a
    greeting could come back "refuted"; one line, before any model call, is the honest answer.
    """
    text = clean_claim(claim)
    words = re.findall(r"\w+", text)
    wordy = any(ch.isalpha() for ch in text) and (len(words) >= 2 or len(_UNSPACED.findall(text)) >= 4)
    if not wordy:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UserInputError(
            f"{shown!r} is not a checkable claim: state what happened or what is true, "
            "e.g. 'The Oldmere bridge reopened on 3 March.'"
        )
    return text


def verify(claim: str, store: Store, llm: LLM, settings: Settings, exclude: str | None = None) -> Verdict:
    """Judge ``claim`` against the stored corpus; one model call per source read."""
    started = time.perf_counter()
    text = clean_claim(claim)
    per_source = max(settings.sentences, CLASSIFIER_SENTENCES) if settings.judge == "classifier" else settings.sentences
    evidence = retrieve(store, text, settings.sources, per_source, exclude=exclude)
    return verify_evidence(text, evidence, llm, settings, started)


def verify_evidence(
    claim: str, evidence: list[Evidence], llm: LLM, settings: Settings, started: float | None = None
) -> Verdict:
    """Judge ``claim`` against evidence already chosen (retrieved, or given by a benchmark).

    The classifier judge makes no model call; the LLM judge makes one per source.
    """
    started = time.perf_counter() if started is None else started
    text = clean_claim(claim)
    # Counted per thread, so claims verified side by side each get their own usage.
    with llm.measure() as usage:
        if settings.judge == "classifier":
            stance_model = get_stance_model(settings.embed_threads)
            judgements = classify(stance_model, text, evidence)
            calibration = stance_model.calibration
        else:
            judgements = [judge(llm, text, item) for item in evidence]
            calibration = None
    label, confidence, summary = aggregate(judgements, calibration)
    judged_by = "stance classifier (bundled)" if calibration else f"{settings.model} ({llm.endpoint})"
    return Verdict(
        claim=text,
        label=label,
        confidence=confidence,
        summary=summary,
        judgements=judgements,
        model=judged_by,
        usage=usage,
        seconds=round(time.perf_counter() - started, 3),
    )
