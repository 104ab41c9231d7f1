"""Verify a claim: retrieve evidence from several sources, judge each, aggregate into a verdict."""

from __future__ import annotations

import time

from ..corpus.store import Store
from ..llm import LLM
from ..settings import Settings
from ..untrusted import clean_claim
from .aggregate import aggregate
from .classifier import classify
from .details import preload
from .llm_judge import judge
from .retrieve import Evidence, retrieve
from .stance import get_stance_model
from .verdict import Verdict

# The classifier reads windows around more sentences per source than the LLM is given: it costs milliseconds.
CLASSIFIER_SENTENCES = 6


def verify(claim: str, store: Store, llm: LLM, settings: Settings, exclude: str | None = None) -> Verdict:
    """Judge ``claim`` against the stored corpus; one model call per source read."""
    started = time.perf_counter()
    text = clean_claim(claim)
    per_source = max(settings.sentences, CLASSIFIER_SENTENCES) if settings.judge == "classifier" else settings.sentences
    if settings.judge == "classifier" and settings.details:
        preload()
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
            judgements = classify(stance_model, text, evidence, details=settings.details)
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
