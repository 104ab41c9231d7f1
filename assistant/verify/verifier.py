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
from .parts import split
from .retrieve import Evidence, retrieve
from .stance import get_stance_model
from .verdict import Label, Verdict

# The classifier reads windows around more sentences per source than the LLM is given: it costs milliseconds.
CLASSIFIER_SENTENCES = 6


def verify(claim: str, store: Store, llm: LLM, settings: Settings, exclude: str | None = None) -> Verdict:
    """Judge ``claim`` against the stored corpus; one model call per source read."""
    started = time.perf_counter()
    text = clean_claim(claim)
    per_source = max(settings.sentences, CLASSIFIER_SENTENCES) if settings.judge == "classifier" else settings.sentences
    if settings.judge == "classifier" and settings.details:
        preload()
    parts = split(text) if settings.judge == "classifier" and settings.details else [text]
    if len(parts) == 1:
        evidence = retrieve(store, text, settings.sources, per_source, exclude=exclude)
        return verify_evidence(text, evidence, llm, settings, started)
    # A compound claim: each part finds and reads its own evidence.
    verdicts = [verify_evidence(part, retrieve(store, part, settings.sources, per_source, exclude=exclude), llm,
                                settings) for part in parts]
    return combined(text, verdicts, started)


def combined(claim: str, parts: list[Verdict], started: float) -> Verdict:
    """One verdict of a compound claim from its parts': refuted if any part is, supported only if every part is.

    The verdict keeps every part's judgements (a reader, and the answer check, see what supports one part and
    what refutes another) and the parts themselves, so each part's verdict and citations can be shown.
    """
    labels = [p.label for p in parts]
    label: Label
    if "refuted" in labels:
        deciding = [max((p for p in parts if p.label == "refuted"), key=lambda p: p.confidence)]
        label, confidence = "refuted", deciding[0].confidence
    elif all(x == "supported" for x in labels):
        deciding, label, confidence = parts, "supported", min(p.confidence for p in parts)
    elif "conflicting" in labels:
        deciding = [next(p for p in parts if p.label == "conflicting")]
        label, confidence = "conflicting", deciding[0].confidence
    else:
        deciding = [p for p in parts if p.label == "not_enough_evidence"]
        label, confidence = "not_enough_evidence", min(p.confidence for p in deciding)
    said = "; ".join(f"“{p.claim}” {p.label.replace('_', ' ')}" for p in parts)
    summary = f"Read as {len(parts)} claims: {said}. " + " ".join(p.summary for p in deciding)
    usage = parts[0].usage
    for p in parts[1:]:
        usage = usage.plus(p.usage)
    return Verdict(claim=claim, label=label, confidence=confidence, summary=summary,
                   judgements=[j for p in parts for j in p.judgements], model=parts[0].model, usage=usage,
                   seconds=round(time.perf_counter() - started, 3), parts=parts)


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
            stance_model = get_stance_model(settings.classifier_threads)
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
