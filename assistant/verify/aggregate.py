"""Cross-check source judgements into one verdict.

Sources, not passages, are the voices: one outlet counts once however many of
its articles agree, with its strongest probability. Outlets that support and
none that refute: supported; the reverse: refuted; at least one of each, each
past its threshold: conflicting; none: not enough evidence. A source that
tells the act only as planned or expected does not refute another that tells
it done with details that bear the claim out. A stance counts only with a
verified quote (the judge turns an unverifiable one into "irrelevant" before
it gets here).

With the classifier the confidence is calibrated: the raw probability of the
verdict (the strongest outlet's; the weaker side's for a conflict; one minus
the strongest stance anywhere for not enough evidence) goes through an
isotonic map fitted on the validation verdicts read from evidence of the same
shape (one source or several, one sentence or several), or on all of them for
a shape with too few, so "0.8" means right about 80% of the time on data like
the validation data. The LLM judge scored by logprobs
gives the same raw probability, uncalibrated (a map would hold for one model
only).
"""

from __future__ import annotations

from collections.abc import Sequence

from .reconcile import DECIDED, DECIDED_CONFIDENCE
from .stance import Calibration, evidence_shape
from .verdict import TENTATIVE, Label, SourceJudgement


def _voice(judgement: SourceJudgement) -> str:
    return judgement.outlet.strip().lower() or judgement.article_id


def _side(judgements: Sequence[SourceJudgement], stance: str) -> dict[str, float]:
    """Each outlet's strongest confidence for one stance."""
    voices: dict[str, float] = {}
    for j in judgements:
        if j.stance == stance and j.citation is not None:
            voices[_voice(j)] = max(voices.get(_voice(j), 0.0), j.confidence)
    return voices


def aggregate(
    judgements: Sequence[SourceJudgement], calibration: Calibration | None = None
) -> tuple[Label, float, str]:
    """(label, confidence, one-line summary) from the sources' judgements.

    Judgements with probabilities (the classifier; the LLM judge scored by logprobs) give the raw probability of
    the verdict, mapped through ``calibration`` where there is one. Without them (the LLM judge's stated stance)
    the confidence is the stated one, scaled by agreement.
    """
    support = _side(judgements, "supports")
    # What a source tells only as planned or expected is no evidence against another's telling it done, with details
    # that bear the claim out: the plan is the older news ("is expected to issue her decision" against "the decision,
    # published on Tuesday 26 May").
    told = any(j.stance == "supports" and any(d.agrees for d in j.details) for j in judgements)
    refute = _side([j for j in judgements if not (told and _only_planned(j))], "refutes")
    if calibration is not None or (judgements and all(j.scores is not None for j in judgements)):
        return _calibrated(judgements, support, refute, calibration)
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


def _only_planned(judgement: SourceJudgement) -> bool:
    """A refutation whose only difference is that the source tells the act as meant, expected or possible."""
    kinds = {d.kind for d in judgement.differences}
    return kinds == {"modality"}


def _mean(voices: dict[str, float]) -> float:
    return sum(voices.values()) / len(voices)


def _calibrated(
    judgements: Sequence[SourceJudgement], support: dict[str, float], refute: dict[str, float],
    calibration: Calibration | None,
) -> tuple[Label, float, str]:
    label: Label
    if support and refute:
        label, raw = "conflicting", min(max(support.values()), max(refute.values()))
        summary = f"{len(support)} outlet(s) support and {len(refute)} refute the claim."
    elif support or refute:
        side = support or refute
        label, raw = ("supported" if support else "refuted"), max(side.values())
        verb = "support" if support else "refute"
        summary = f"{len(side)} independent outlet(s) {verb} the claim; none disagrees."
    else:
        strongest = max((max(j.scores.supported, j.scores.refuted) for j in judgements if j.scores), default=0.0)
        label, raw = "not_enough_evidence", 1.0 - strongest
        summary = (f"{len(judgements)} source(s) read; none decides the claim." if judgements
                   else "No passage in the corpus is close enough to the claim.")
    if calibration is None:
        return label, round(raw, 3), summary
    confidence = calibration.confidence(raw, shape_read(judgements))
    decided = DECIDED_CONFIDENCE.get(label, 0.0)
    if decided and any(j.comparison.startswith(DECIDED) for j in judgements if j.stance == _STANCE[label]):
        confidence = max(confidence, decided)
    if label != "not_enough_evidence" and confidence < TENTATIVE:
        # A bare label beside a confidence under one half reads as nonsense: it is more likely wrong than right.
        summary = f"Tentative: more likely wrong than right (confidence {confidence:.2f}). {summary}"
    return label, round(confidence, 3), summary


_STANCE = {"supported": "supports", "refuted": "refutes"}


def shape_read(judgements: Sequence[SourceJudgement]) -> str:
    """The evidence shape a verdict was read from: the key of its confidence map, at fitting time as here."""
    return evidence_shape(len(judgements), sum(j.sentences for j in judgements))
