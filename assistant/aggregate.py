"""Cross-check source judgements into one verdict.

Sources, not passages, are the voices: one outlet counts once however many of
its articles agree. A stance counts only with a verified quote (the judge
turns an unverifiable one into "irrelevant" before it gets here).
"""

from __future__ import annotations

from collections.abc import Sequence

from .verdict import Label, SourceJudgement


def _voice(judgement: SourceJudgement) -> str:
    return judgement.outlet.strip().lower() or judgement.article_id


def _side(judgements: Sequence[SourceJudgement], stance: str) -> dict[str, float]:
    """Each outlet's strongest confidence for one stance."""
    voices: dict[str, float] = {}
    for j in judgements:
        if j.stance == stance and j.citation is not None:
            voices[_voice(j)] = max(voices.get(_voice(j), 0.0), j.confidence)
    return voices


def aggregate(judgements: Sequence[SourceJudgement]) -> tuple[Label, float, str]:
    """(label, confidence, one-line summary) from the sources' judgements."""
    support = _side(judgements, "supports")
    refute = _side(judgements, "refutes")
    if not support and not refute:
        read = len(judgements)
        if read == 0:
            return "not_enough_evidence", 0.9, "No passage in the corpus is close enough to the claim."
        return "not_enough_evidence", 0.6, f"{read} source(s) read; none addresses the claim."
    if support and refute:
        confidence = min(_mean(support), _mean(refute))
        summary = f"{len(support)} source(s) support and {len(refute)} refute the claim."
        return "conflicting", round(confidence, 3), summary
    label: Label = "supported" if support else "refuted"
    side = support or refute
    # One voice is weaker than several agreeing ones: 0.8x for one, full weight from three.
    confidence = _mean(side) * (0.7 + 0.1 * min(3, len(side)))
    verb = "support" if support else "refute"
    return label, round(confidence, 3), f"{len(side)} independent source(s) {verb} the claim; none disagrees."


def _mean(voices: dict[str, float]) -> float:
    return sum(voices.values()) / len(voices)
